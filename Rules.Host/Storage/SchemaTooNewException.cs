namespace Rules.Host.Storage;

/// <summary>The store was migrated by a newer build than this one (<see cref="Database.RefuseNewerSchema"/>).</summary>
public sealed class SchemaTooNewException(string message) : Exception(message);

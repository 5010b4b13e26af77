namespace Rules.Engine.Modules;

/// <summary>
/// The seam modules are plugged in through: built-ins, a host's own modules (for example the outbound-HTTP facades or
/// <c>auth0</c>), and the operator's npm packages are each one source. <see cref="ModuleRegistry"/> asks them in order.
/// </summary>
public interface IModuleSource
{
    /// <summary>
    /// The module for <paramref name="name"/>, or null when this source has none. <paramref name="version"/> is the
    /// exact version a rule pinned (<c>require('lodash@4.17.19')</c>), or null for "the one that is installed".
    /// A source that cannot honour the request (say, two versions installed and none pinned) throws
    /// <see cref="ModuleResolutionException"/> with a message for the author.
    /// </summary>
    ModuleDefinition? Find(string name, string? version);

    /// <summary>Versions of <paramref name="name"/> this source holds, for "installed: ..." in error messages.</summary>
    IReadOnlyList<string> Versions(string name);
}

/// <summary>A <c>require</c> that cannot be satisfied; the compiler turns it into an error at the rule's line.</summary>
public sealed class ModuleResolutionException(string message) : Exception(message);

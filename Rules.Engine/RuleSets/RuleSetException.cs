namespace Rules.Engine.RuleSets;

/// <summary>A rule set that cannot be loaded: the message is one line, written for the person who owns the files.</summary>
public sealed class RuleSetException(string message) : Exception(message);

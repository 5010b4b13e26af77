namespace Rules.Engine.Pipeline;

/// <summary>
/// Where and why a rule failed, for the rule's author (the app only sees error_description).
/// Line and column are 1-based and point into the author's file.
/// </summary>
public sealed record RuleFailure(string Message, string? File = null, int? Line = null, int? Column = null, string? SourceLine = null, string? Limit = null)
{
    /// <summary><c>file:line:col</c> of the failure in the author's file, as much of it as is known; empty when unknown.</summary>
    public string Location => File is null ? "" : Line is null ? File : $"{File}:{Line}:{Column}";

    /// <summary>The location and message on one line, as a compiler prints an error.</summary>
    public override string ToString() => Location.Length == 0 ? Message : $"{Location}: {Message}";
}

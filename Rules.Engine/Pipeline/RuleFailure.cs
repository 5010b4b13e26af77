namespace Rules.Engine.Pipeline;

/// <summary>
/// Where and why a rule failed, for the rule's author (the app only sees error_description).
/// Line and column are 1-based and point into the author's file.
/// </summary>
public sealed record RuleFailure(string Message, string? File = null, int? Line = null, int? Column = null, string? SourceLine = null, string? Limit = null)
{
    public string Location => File is null ? "" : Line is null ? File : $"{File}:{Line}:{Column}";

    public override string ToString() => Location.Length == 0 ? Message : $"{Location}: {Message}";
}

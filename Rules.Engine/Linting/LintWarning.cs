namespace Rules.Engine.Linting;

/// <summary>Something in a rule that compiles but will not work as the author expects; 1-based line and column in the author's file.</summary>
public sealed record LintWarning(string Rule, string File, int Line, int Column, string Code, string Message, string? SourceLine)
{
    /// <summary><c>file:line:col: warning: message [code]</c>, then the line and a caret, as compile errors are printed.</summary>
    public string Format(string severity = "warning")
    {
        var head = $"{File}:{Line}:{Column}: {severity}: {Message} [{Code}]";
        if (SourceLine is null)
        {
            return head;
        }
        var prefix = SourceLine[..Math.Clamp(Column - 1, 0, SourceLine.Length)];
        var caret = string.Concat(prefix.Select(c => c == '\t' ? '\t' : ' ')) + "^";
        return $"{head}\n    {SourceLine}\n    {caret}";
    }

    public override string ToString() => Format();
}

/// <summary>The lint codes, as printed in brackets after each warning (docs/authoring-rules.md, "Lints").</summary>
public static class LintCodes
{
    public const string UnavailableApi = "unavailable-api";
    public const string ReservedClaim = "reserved-claim";
    public const string ImpersonationMarker = "impersonation-marker";
    public const string UnnamespacedClaim = "unnamespaced-claim";
    public const string RuleSignature = "rule-signature";
    public const string CallbackNotCalled = "callback-not-called";
}

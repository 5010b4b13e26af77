namespace Rules.Engine.Linting;

/// <summary>How <c>rules check</c> treats a lint.</summary>
public enum LintSeverity
{
    /// <summary>Compiles and may work, but probably not as the author expects; fails the check only with <c>--strict</c>.</summary>
    Warning,

    /// <summary>Every login that reaches this code is denied; always fails the check.</summary>
    Error,
}

/// <summary>Something in a rule that compiles but will not work as the author expects; 1-based line and column in the author's file.</summary>
public sealed record LintWarning(string Rule, string File, int Line, int Column, string Code, string Message, string? SourceLine)
{
    /// <summary><see cref="LintSeverity.Error"/> for code that can only deny; style and portability lints are warnings.</summary>
    public LintSeverity Severity { get; init; } = LintSeverity.Warning;

    /// <summary><c>file:line:col: warning: message [code]</c>, then the line and a caret, as compile errors are printed.</summary>
    /// <param name="severity">The word printed; by default "error" or "warning" from <see cref="Severity"/>.</param>
    public string Format(string? severity = null)
    {
        severity ??= Severity == LintSeverity.Error ? "error" : "warning";
        var head = $"{File}:{Line}:{Column}: {severity}: {Message} [{Code}]";
        if (SourceLine is null)
        {
            return head;
        }
        var prefix = SourceLine[..Math.Clamp(Column - 1, 0, SourceLine.Length)];
        var caret = string.Concat(prefix.Select(c => c == '\t' ? '\t' : ' ')) + "^";
        return $"{head}\n    {SourceLine}\n    {caret}";
    }

    /// <summary>The same text as <see cref="Format"/>, so a warning prints the way a compiler prints it.</summary>
    public override string ToString() => Format();
}

/// <summary>The lint codes, as printed in brackets after each warning (docs/authoring-rules.md, "Lints").</summary>
internal static class LintCodes
{
    public const string UnavailableApi = "unavailable-api";
    public const string ReservedClaim = "reserved-claim";
    public const string ImpersonationMarker = "impersonation-marker";
    public const string UnnamespacedClaim = "unnamespaced-claim";
    public const string RuleSignature = "rule-signature";
    public const string CallbackNotCalled = "callback-not-called";
    public const string UnsupportedEffect = "unsupported-effect";
    public const string LegacyGlobal = "legacy-global";
}

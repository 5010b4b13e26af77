namespace Rules.Engine.Pipeline;

/// <summary>
/// The line between what an operator reads and what an application is shown. An outcome's error_description (as
/// <c>rules eval</c>, <c>rules test</c> and the decision log print it) names the rule and, for a failure, what went
/// wrong, because that is what the operator needs. An application (the callback, the hosted login page) sees the
/// description only when a rule denied the login with a message of its own, as Auth0 passed an UnauthorizedError's
/// message on; for every failure (rule_error, timeout, limit) it sees one generic sentence that names no rule and no limit.
/// </summary>
public static class DenialDescriptions
{
    // Every operator description of a failure starts with the sentence the application is shown, so the two never drift.
    private const string CouldNotComplete = "The login could not be completed";

    /// <summary>What an application is told when the pipeline failed rather than a rule deciding.</summary>
    public const string Generic = CouldNotComplete + ".";

    /// <summary>What an application is told when a rule denied without a message of its own.</summary>
    public const string AccessDenied = "Access denied.";

    /// <summary>The operator's description of a denial whose rule gave no message.</summary>
    public static string RuleDeniedWithoutMessage(string rule) => $"Access denied by rule '{rule}'.";

    /// <summary>The operator's description of a failure: the generic sentence, then why (<paramref name="reason"/> names no secret).</summary>
    internal static string Failed(string reason) => $"{CouldNotComplete}: {reason}.";

    /// <summary>A rule threw, or left something that cannot be carried out; <c>failure</c> says what.</summary>
    internal static string RuleFailed(string rule) => Failed($"rule '{rule}' failed");

    /// <summary>A sandbox limit tripped while the rule ran; <c>failure.limit</c> names it.</summary>
    internal static string RuleExceededLimit(string rule) => Failed($"rule '{rule}' exceeded a sandbox limit");

    /// <summary>The login's time budget ran out, or nothing could still finish the rule.</summary>
    internal static string RuleOutOfTime(string rule) => $"{CouldNotComplete} in time (rule '{rule}').";

    /// <summary>The error_description to send to the application for a denied outcome.</summary>
    public static string ForApplication(Outcome outcome) => outcome.Kind switch
    {
        DenialKind.RuleDenied when outcome.ErrorDescription is { Length: > 0 } description
            && description != RuleDeniedWithoutMessage(outcome.Rule ?? "") => description,
        DenialKind.RuleDenied => AccessDenied,
        _ => Generic,
    };
}

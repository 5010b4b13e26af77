using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>The result of running a rule set against one login. Printed by <c>rules eval</c> as in ARCHITECTURE.md.</summary>
public sealed class Outcome
{
    /// <summary>Allow, deny or redirect: the only field a host must act on.</summary>
    public required Decision Decision { get; init; }

    /// <summary>Name of the rule that denied, failed or redirected; null on allow.</summary>
    public string? Rule { get; init; }

    /// <summary><c>unauthorized</c> or <c>access_denied</c> on deny; null on allow.</summary>
    public string? Error { get; init; }

    /// <summary>The text the application is shown on deny.</summary>
    public string? ErrorDescription { get; init; }

    /// <summary>Why the login was denied (a rule's decision, or a failure the pipeline turned into a denial); null unless denied.</summary>
    public DenialKind? Kind { get; init; }

    /// <summary>Where the browser goes before the login can finish; set on <see cref="Decision.Redirect"/> only.</summary>
    public RedirectRequest? Redirect { get; init; }

    /// <summary>Details for the rule's author when a rule failed (error, timeout, limit).</summary>
    public RuleFailure? Failure { get; init; }

    /// <summary>Custom ID-token claims the rules set (<c>context.idToken</c>), after reserved claims were dropped. Only for an allowed login.</summary>
    public JsonObject IdToken { get; init; } = [];

    /// <summary>Custom access-token claims, with <c>scope</c> as an array of strings.</summary>
    public JsonObject AccessToken { get; init; } = [];

    /// <summary>The user profile as the last rule left it.</summary>
    public JsonObject User { get; init; } = [];

    /// <summary>Metadata changes the rules asked for, in call order; the host applies them only when the login is allowed.</summary>
    public IReadOnlyList<MetadataUpdate> MetadataUpdates { get; init; } = [];

    /// <summary>The second factor the rules asked for (<c>context.multifactor</c>, <c>api.multifactor.enable</c>); null when none. Allow only.</summary>
    public MultifactorRequest? Mfa { get; init; }

    /// <summary>Claims the rules tried to set that were dropped (reserved names, over the size limit), with the reason, so authors see why a claim is missing.</summary>
    public IReadOnlyList<DroppedClaim> DroppedClaims { get; init; } = [];

    /// <summary>What the rules wrote with <c>console.*</c>, as <c>[rule name] text</c>, capped by the sandbox limits.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>The outbound HTTP calls rules made, in order; see <see cref="HttpCallRecord"/> for what is kept.</summary>
    public IReadOnlyList<HttpCallRecord> HttpCalls { get; init; } = [];

    /// <summary>The version of the rule set that decided, for audit and replay.</summary>
    public string RuleSetVersion { get; init; } = "";

    /// <summary>How long the pipeline and each rule took.</summary>
    public required OutcomeTimings Timings { get; init; }

    /// <summary>True when the login may complete.</summary>
    public bool IsAllowed => Decision == Decision.Allow;

    /// <summary>True when the browser must go to <see cref="Redirect"/> before the login can complete.</summary>
    public bool IsRedirect => Decision == Decision.Redirect;

    /// <summary>
    /// A denial the pipeline (or its host) makes itself, before or instead of running any rule: the server is busy, no
    /// runtime could be built, the transaction is refused, no rule set is live. Fail closed: <c>access_denied</c>, with
    /// <see cref="DenialDescriptions.Generic"/> followed by <paramref name="reason"/> as the description.
    /// </summary>
    /// <param name="reason">What the description says after "The login could not be completed: ".</param>
    /// <param name="failure">The operator's detail (<see cref="RuleFailure.Message"/>).</param>
    /// <param name="ruleSetVersion">The version that refused; null when no rule set is live (then <see cref="Rule"/> is null too, not "").</param>
    /// <param name="totalMs">Time spent before refusing.</param>
    public static Outcome FailClosed(DenialKind kind, string reason, string failure, string? ruleSetVersion, double totalMs = 0) => new()
    {
        Decision = Decision.Deny,
        Rule = ruleSetVersion is null ? null : "",
        Error = "access_denied",
        ErrorDescription = DenialDescriptions.Failed(reason),
        Kind = kind,
        Failure = new RuleFailure(failure),
        RuleSetVersion = ruleSetVersion ?? "",
        Timings = new OutcomeTimings(totalMs, []),
    };
}

/// <summary>Wall-clock time of the whole pipeline and of each rule that ran, in milliseconds.</summary>
public sealed record OutcomeTimings(double TotalMs, IReadOnlyList<RuleTiming> Rules);

/// <summary>How long one rule took in one login.</summary>
/// <param name="Rule">The rule's name.</param>
/// <param name="Ms">Wall-clock milliseconds, waiting on HTTP included.</param>
public readonly record struct RuleTiming(string Rule, double Ms);

using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>The result of running a rule set against one login. Printed by <c>rules eval</c> as in ARCHITECTURE.md.</summary>
public sealed class Outcome
{
    public required Decision Decision { get; init; }

    /// <summary>Name of the rule that denied, failed or redirected; null on allow.</summary>
    public string? Rule { get; init; }

    /// <summary><c>unauthorized</c> or <c>access_denied</c> on deny; null on allow.</summary>
    public string? Error { get; init; }

    /// <summary>The text the application is shown on deny.</summary>
    public string? ErrorDescription { get; init; }

    public DenialKind? Kind { get; init; }

    /// <summary>Where the browser goes before the login can finish; set on <see cref="Decision.Redirect"/> only.</summary>
    public RedirectRequest? Redirect { get; init; }

    /// <summary>Details for the rule's author when a rule failed (error, timeout, limit).</summary>
    public RuleFailure? Failure { get; init; }

    public JsonObject IdToken { get; init; } = [];

    /// <summary>Custom access-token claims, with <c>scope</c> as an array of strings.</summary>
    public JsonObject AccessToken { get; init; } = [];

    public JsonObject User { get; init; } = [];

    public IReadOnlyList<MetadataUpdate> MetadataUpdates { get; init; } = [];

    /// <summary>The second factor the rules asked for (<c>context.multifactor</c>, <c>api.multifactor.enable</c>); null when none. Allow only.</summary>
    public MultifactorRequest? Mfa { get; init; }

    public IReadOnlyList<DroppedClaim> DroppedClaims { get; init; } = [];

    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>The outbound HTTP calls rules made, in order; see <see cref="HttpCallRecord"/> for what is kept.</summary>
    public IReadOnlyList<HttpCallRecord> HttpCalls { get; init; } = [];

    public string RuleSetVersion { get; init; } = "";

    public required OutcomeTimings Timings { get; init; }

    public bool IsAllowed => Decision == Decision.Allow;

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

public readonly record struct RuleTiming(string Rule, double Ms);

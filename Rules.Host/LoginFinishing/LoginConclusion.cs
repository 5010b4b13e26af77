using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.OAuth;

namespace Rules.Host.LoginFinishing;

/// <summary>
/// A login whose rules allowed or denied, ready to be put on record and answered: what the rules saw and decided,
/// the audit entry the path wrote for it, and where the answer goes.
/// </summary>
public sealed record LoginConclusion
{
    /// <summary>The decision record's kind: <c>login</c> or <c>impersonation</c>.</summary>
    public required string DecisionKind { get; init; }
    public required string DecisionId { get; init; }
    public required DateTimeOffset Now { get; init; }
    public required LoginTransaction Transaction { get; init; }
    public required Outcome Outcome { get; init; }
    public required AuditEntry Entry { get; init; }

    /// <summary>The callback, its response mode and the client's state: the response before a code, tokens or an error are added.</summary>
    public required AuthorizeResponse Callback { get; init; }
    public required ResponseType ResponseType { get; init; }

    /// <summary>What the code or tokens carry: required when the outcome allows, null otherwise.</summary>
    public AuthorizationGrant? Grant { get; init; }
}

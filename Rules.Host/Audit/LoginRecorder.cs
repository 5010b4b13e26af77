using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>
/// Puts a login whose rules ran on record: the decision-log record <c>rules replay</c> reads, and the audit entry
/// that points at it, in the caller's transaction (with the code, session and metadata changes), before the
/// response leaves. A failing rule is also logged for the operator with its
/// file location and source line. Every kind of login (password, SSO, impersonation) records through here.
/// </summary>
public sealed class LoginRecorder(AuditLog audit, DecisionLog decisions, ILogger<LoginRecorder> logger)
{
    public static string NewDecisionId() => $"dec_{Guid.NewGuid():N}";

    /// <summary>
    /// Writes both records. <paramref name="entry"/> carries the login's own details (link, protocol, ...); the
    /// outcome's fields are added to them from the one serialisation the decision record also uses.
    /// </summary>
    public void Record(Writes writes, string decisionId, string decisionKind, DateTimeOffset now, LoginTransaction transaction, Outcome outcome, AuditEntry entry)
    {
        if (outcome.Failure is { } failure)
        {
            logger.LogWarning(
                "Rule '{Rule}' failed ({Kind}) at {Location}: {Message}{Source}{Limit} [decision {DecisionId}]",
                outcome.Rule, outcome.Kind is { } failedKind ? OutcomeJson.KindName(failedKind) : null, failure.Location, failure.Message,
                failure.SourceLine is null ? "" : "\n    " + failure.SourceLine, failure.Limit is null ? "" : $" (limit {failure.Limit})", decisionId);
        }

        var record = DecisionLog.CreateRecord(decisionId, decisionKind, now, transaction, outcome);
        var outcomeJson = record["outcome"]!.AsObject();
        var details = entry.Details;
        details["decision_id"] = decisionId;
        details["decision"] = OutcomeJson.DecisionName(outcome.Decision);
        details["rule"] = outcome.Rule;
        details["kind"] = outcome.Kind is { } kind ? OutcomeJson.KindName(kind) : null;
        details["error"] = outcome.Error;
        details["error_description"] = outcome.ErrorDescription;
        details["ruleSetVersion"] = outcome.RuleSetVersion;
        details["failure"] = outcomeJson["failure"]?.DeepClone();
        details["timings"] = outcomeJson["timings"]?.DeepClone();
        // The audit entry last: appending takes the chain's head until the commit.
        decisions.Write(writes, record, entry.LogId);
        audit.Write(writes, entry);
    }
}

using System.Text.Json.Nodes;
using Rules.Host.Audit;

namespace Rules.Host.Dashboard;

/// <summary>
/// Puts what operators do in the audit trail, as entries of type <c>dashboard_*</c> whose user is the operator:
/// sign-in and sign-out, rule changes, trial runs, viewing a user's profile. Impersonation links are audited by the
/// shared issuer (<c>impersonation_requested</c> / <c>impersonation_refused</c>, requested_by <c>dashboard:{id}</c>).
/// </summary>
public sealed class DashboardAudit(AuditLog audit, TimeProvider clock)
{
    public const string SignedIn = Login.LoginAttemptLimiter.OperatorSignInType;
    public const string SignInRefused = "dashboard_login_failed";
    public const string SignedOut = "dashboard_logout";
    public const string Action = "dashboard_action";

    public void Write(HttpContext http, string type, string description, DashboardOperator? by, JsonObject? details = null, string? userName = null) =>
        audit.Write(AuditEntry.For(http, clock.GetUtcNow(), type, description) with
        {
            UserId = by?.UserId,
            UserName = userName ?? by?.Email,
            Details = details ?? [],
        });

    /// <summary>An operator's action: <paramref name="action"/> names it (rule_enabled, rule_saved, try_rule, ...).</summary>
    public void Acted(HttpContext http, string action, string description, JsonObject? details = null)
    {
        var entry = details ?? [];
        entry["action"] = action;
        Write(http, Action, description, DashboardOperator.From(http.User), entry);
    }
}

using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Login;

namespace Rules.Host.Redirect;

/// <summary>
/// Regular logins (/login, /authorize with SSO) a rule redirects: what is kept to finish them at /continue is the
/// authorize request as it came (validated again then, so a client changed meanwhile is noticed), the user, how they
/// signed in and the SSO session, if any.
/// </summary>
public sealed class LoginRedirects(LoginSuspender suspender)
{
    public IResult Suspend(HttpContext http, LoginInProgress login, LoginTransaction transaction, Outcome outcome, AuditEntry entry)
    {
        var request = login.Request;
        var pending = new PendingLogin
        {
            Kind = PendingLoginKinds.Login,
            ClientId = request.Client.ClientId,
            UserId = login.User.UserId,
            Rule = "",
            RuleSetVersion = "",
            ResponseType = request.ResponseTypeValue,
            ResponseMode = request.ResponseMode,
            State = request.State,
            Login = new JsonObject
            {
                ["authorize_query"] = login.AuthorizeQueryOf(http),
                ["login_kind"] = login.Kind.ToString(),
                ["sso_session_id"] = login.Session?.Id,
                ["methods"] = login.Methods.DeepClone(),
                ["audit_user_name"] = login.AuditUserName,
                ["mfa_proof"] = login.Proof?.ToJson(),
            },
        };
        return suspender.Suspend(http, pending, transaction, outcome, LoginCompletion.DecisionKind, entry);
    }

    /// <summary>prompt=none with a rule that wants to redirect: the application must ask with a page the user can see.</summary>
    public static Outcome InteractionRequired(Outcome redirect) => new()
    {
        Decision = Decision.Deny,
        Rule = redirect.Rule,
        Error = "interaction_required",
        ErrorDescription = $"Interaction required: rule '{redirect.Rule}' needs to redirect the user, which prompt=none does not allow.",
        Kind = DenialKind.RuleDenied,
        User = redirect.User,
        Logs = redirect.Logs,
        RuleSetVersion = redirect.RuleSetVersion,
        Timings = redirect.Timings,
    };
}

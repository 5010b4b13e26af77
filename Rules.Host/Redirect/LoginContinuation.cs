using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Login;
using Rules.Host.LoginFinishing;
using Rules.Host.MultiFactor;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Redirect;

/// <summary>
/// Finishes a regular login at /continue: the authorize request is validated again (a client or callback changed
/// meanwhile is noticed), the user read again (deleted or blocked meanwhile → access_denied), the SSO session found
/// again in this browser or a new one started, then <see cref="LoginCompletion.Conclude"/> records and issues.
/// </summary>
public sealed class LoginContinuation(
    AuthorizeRequestValidator validator, TenantStore store, SessionStore sessions, LoginFinisher finisher, LoginCompletion completion,
    LoginRedirects redirects, AuditLog audit, TimeProvider clock)
{
    public async Task<IResult> ContinueAsync(HttpContext http, PendingLogin pending, RulePipeline pipeline, JsonObject query, JsonObject body, DateTimeOffset now, JsonObject continuedFrom)
    {
        var authorizeQuery = pending.Login["authorize_query"]?.GetValue<string>() ?? "";
        var validation = validator.Validate(new QueryCollection(QueryHelpers.ParseQuery(authorizeQuery)));
        if (validation.Request is not { } request)
        {
            return AuthorizeEndpoint.Refuse(http, validation, audit, clock);
        }

        var user = store.GetUser(pending.UserId);
        if (user is null || user.Blocked)
        {
            return AuthorizeResponse.Failure(request.RedirectUri, request.ResponseMode, "access_denied", "The user no longer exists or is blocked.", request.State)
                .ToResult(http);
        }

        var kind = Enum.TryParse<LoginKind>(pending.Login["login_kind"]?.GetValue<string>(), out var parsed) ? parsed : LoginKind.Password;
        var ssoSessionId = pending.Login["sso_session_id"]?.GetValue<string>();
        var session = ssoSessionId is null ? null : sessions.Find(http) is { } found && found.Id == ssoSessionId && found.UserId == user.UserId ? found : null;
        var newSessionSecret = session is null ? Secrets.NewSecret() : null;
        var sessionId = session?.Id ?? SessionStore.PublicId(newSessionSecret!);
        var methods = pending.Login["methods"] as JsonArray ?? [];

        var (transaction, options) = ContinueEndpoint.Continuation(pending, pipeline, query, body, now, context => context["sessionID"] = sessionId);
        var outcome = await finisher.RunAsync(http, pipeline, transaction, options);
        var login = new LoginInProgress(request, user, session is null && kind == LoginKind.SingleSignOn ? LoginKind.Password : kind, session, newSessionSecret,
            sessionId, (JsonArray)methods.DeepClone(), (JsonObject)transaction.User.DeepClone(), pending.Login["audit_user_name"]?.GetValue<string>(), now,
            MultifactorProof.FromJson(pending.Login["mfa_proof"]), authorizeQuery);
        if (outcome.IsRedirect)
        {
            // A rule may ask again (a second page): a new pending login, a new state.
            return redirects.Suspend(http, login, transaction, outcome, SuspendedEntry(http, login, now));
        }

        return completion.Conclude(http, login, transaction, outcome, continuedFrom).ToResult(http);
    }

    private static AuditEntry SuspendedEntry(HttpContext http, LoginInProgress login, DateTimeOffset now) =>
        AuditEntry.For(http, now, LoginSuspender.SuspendedType) with
        {
            ClientId = login.Request.Client.ClientId,
            ClientName = login.Request.Client.Name,
            UserId = login.User.UserId,
            UserName = login.AuditUserName ?? login.User.Email,
            Details = new JsonObject { ["connection"] = login.Request.Connection.Name, ["session_id"] = login.SessionId },
        };
}

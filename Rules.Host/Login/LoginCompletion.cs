using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.LoginFinishing;
using Rules.Host.MultiFactor;
using Rules.Host.OAuth;
using Rules.Host.Risk;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

/// <summary>How the user proved who they are for this login.</summary>
public enum LoginKind
{
    /// <summary>Typed the password on the login page.</summary>
    Password,

    /// <summary>Came back with a live SSO session.</summary>
    SingleSignOn,

    /// <summary>prompt=none: an application checking the session without showing a page.</summary>
    Silent,
}

/// <summary>
/// A login whose rules ran: the outcome, and the response its callback gets; or, when a rule redirected or asked for a
/// second factor, <see cref="Suspended"/>: the response that sends the browser away (nothing was issued).
/// </summary>
public sealed record CompletedLogin(Outcome Outcome, AuthorizeResponse? Response, IResult? Suspended = null)
{
    /// <summary>The browser's next step: away (suspended) or to the callback.</summary>
    public IResult ToResult(HttpContext http) => Suspended ?? Response!.ToResult(http);
}

/// <summary>What completing a regular login needs beyond its outcome; kept with a pending login while a rule's redirect is away.</summary>
/// <param name="AuthorizeQuery">
/// The authorize request's query string (with its <c>?</c>) when this HTTP request's own is not it: a login continued at
/// /continue, whose query is the state. A redirect or a second-factor challenge sends the browser on with this one.
/// </param>
public sealed record LoginInProgress(
    AuthorizeRequest Request, TenantUser User, LoginKind Kind, SsoSession? Session, string? NewSessionSecret, string SessionId, JsonArray Methods,
    JsonObject Profile, string? AuditUserName, DateTimeOffset StartedAt, MultifactorProof? Proof = null, string? AuthorizeQuery = null)
{
    /// <summary>The authorize request's query string as the pages after this one need it.</summary>
    public string AuthorizeQueryOf(HttpContext http) => AuthorizeQuery ?? http.Request.QueryString.Value ?? "";
}

/// <summary>
/// The part every regular login shares once the user is known: count the login (durably, before the rules, so they
/// see the new count as in Auth0), run the rule pipeline with Auth0's context (protocol from the response type,
/// <c>sso</c>, <c>authentication.methods</c>, no impersonation markers), then on an allow apply the rules' metadata
/// changes, issue the code or tokens and start or extend the SSO session; on a deny hand nothing out. Either way the
/// decision record and the audit entry are written before the response (<see cref="LoginFinisher"/>).
/// </summary>
public sealed class LoginCompletion(
    LoginFinisher finisher, TenantStore store, SessionStore sessions, TimeProvider clock, RoleStore roles, DeviceHistory devices,
    Redirect.LoginRedirects redirects, MultifactorGate multifactor)
{
    public const string DecisionKind = "login";

    /// <param name="body">What the login page POSTed, without the password and the CSRF token: <c>context.request.body</c>.</param>
    /// <param name="proof">Set when the login comes back from a passed second-factor challenge (<see cref="MultifactorGate"/>).</param>
    public async Task<CompletedLogin> CompleteAsync(HttpContext http, AuthorizeRequest request, TenantUser user, LoginKind kind, SsoSession? session, string? auditUserName = null,
        JsonObject? body = null, MultifactorProof? proof = null)
    {
        var now = clock.GetUtcNow();
        var newSessionSecret = session is null ? Secrets.NewSecret() : null;
        var sessionId = session?.Id ?? SessionStore.PublicId(newSessionSecret!);
        var methods = proof?.Methods ?? session?.Methods.DeepClone().AsArray() ?? new JsonArray(LoginTransactionBuilder.Method("pwd", now));
        var sso = session is null
            ? new JsonObject { ["with_auth0"] = false, ["with_dbconn"] = false, ["current_clients"] = new JsonArray() }
            : new JsonObject
            {
                ["with_auth0"] = true,
                ["with_dbconn"] = request.Connection.IsDatabase,
                ["current_clients"] = new JsonArray(session.Clients.Select(c => (JsonNode?)c).ToArray()),
            };

        var loginsCount = proof?.LoginsCount ?? store.IncrementLoginsCount(user.UserId);
        var profile = (user with { LoginsCount = loginsCount }).ToProfileJson();
        var transaction = LoginTransactionBuilder.Build(new LoginDescription
        {
            User = profile,
            Client = request.Client,
            Connection = request.Connection,
            Settings = store.GetSettings(),
            Protocol = request.ResponseType.Protocol,
            Query = request.Query,
            LoginsCount = loginsCount,
            Sso = sso,
            Methods = methods,
            SessionId = sessionId,
            Scopes = request.Scopes,
            Roles = roles.NamesOf(user.UserId),
            Body = body,
        }, http, now);

        var outcome = await finisher.RunAsync(http, transaction);
        var login = new LoginInProgress(request, user, kind, session, newSessionSecret, sessionId, methods, profile, auditUserName, now, proof);
        if (outcome.IsRedirect)
        {
            if (kind != LoginKind.Silent)
            {
                return new CompletedLogin(outcome, null, redirects.Suspend(http, login, transaction, outcome, Entry(http, login, login.StartedAt, "s")));
            }
            // prompt=none cannot show the user anything: Auth0 answers interaction_required.
            outcome = Redirect.LoginRedirects.InteractionRequired(outcome);
        }
        return Conclude(http, login, transaction, outcome);
    }

    /// <summary>Records an outcome that allows or denies and hands out (or not) the code or tokens: for a fresh login, or one continued after a redirect.</summary>
    public CompletedLogin Conclude(HttpContext http, LoginInProgress login, LoginTransaction transaction, Outcome outcome, JsonObject? continuedFrom = null)
    {
        var (request, user, kind, session, newSessionSecret, sessionId, methods, profile, auditUserName, _, proof, _) = login;
        var loginsCount = proof?.LoginsCount ?? profile["logins_count"]?.GetValue<long>() ?? 0;
        var now = clock.GetUtcNow();
        var decisionId = LoginRecorder.NewDecisionId();
        var (type, description) = (kind, outcome.IsAllowed) switch
        {
            (LoginKind.Silent, true) => ("ssa", "Successful silent authentication"),
            (LoginKind.Silent, false) => ("fsa", $"Failed silent authentication: {outcome.ErrorDescription}"),
            (_, true) => ("s", "Successful login"),
            (_, false) => ("f", $"Failed login: {outcome.ErrorDescription}"),
        };
        var entry = Entry(http, login, now, type, description);
        if (continuedFrom is not null)
        {
            entry = entry with { Description = $"{description} (continued after a redirect)" };
            entry.Details["continued"] = continuedFrom;
        }

        if (multifactor.MustChallenge(http, outcome, user.UserId, proof))
        {
            return multifactor.Suspend(http, request, login.AuthorizeQueryOf(http), user, kind, session, methods, loginsCount, now, decisionId, transaction, outcome, entry);
        }

        var response = finisher.Conclude(http, new LoginConclusion
        {
            DecisionKind = DecisionKind,
            DecisionId = decisionId,
            Now = now,
            Transaction = transaction,
            Outcome = outcome,
            Entry = entry,
            Callback = new AuthorizeResponse(request.RedirectUri, request.ResponseMode) { State = request.State },
            ResponseType = request.ResponseType,
            Grant = !outcome.IsAllowed ? null : AuthorizationGrant.FromOutcome(outcome, user.UserId, request.Client.ClientId, request.RedirectUri, request.Scopes,
                profile, session?.AuthenticatedAt ?? proof?.AuthenticatedAt ?? now, decisionId) with
            {
                Nonce = request.Nonce,
                CodeChallenge = request.CodeChallenge,
                SessionId = sessionId,
            },
        }, writes =>
        {
            // The user's own allowed login: this browser is now one of theirs (NewDevice's history).
            devices.Remember(writes, user.UserId, DeviceHistory.DeviceId(http), AuditEntry.UserAgentOf(http), now);
            if (session is null)
            {
                sessions.Start(writes, http, newSessionSecret!, user.UserId, request.Connection.Name, methods, request.Client.ClientId);
            }
            else
            {
                sessions.Touch(writes, session, request.Client.ClientId, proof?.Methods);
            }
        });
        return new CompletedLogin(outcome, response);
    }

    private static AuditEntry Entry(HttpContext http, LoginInProgress login, DateTimeOffset date, string type, string? description = null) =>
        AuditEntry.For(http, date, type, description) with
        {
            ClientId = login.Request.Client.ClientId,
            ClientName = login.Request.Client.Name,
            UserId = login.User.UserId,
            UserName = login.AuditUserName ?? login.User.Email,
            Details = new JsonObject
            {
                ["protocol"] = login.Request.ResponseType.Protocol,
                ["response_type"] = login.Request.ResponseTypeValue,
                ["response_mode"] = login.Request.ResponseMode,
                ["scope"] = login.Request.Scope,
                ["connection"] = login.Request.Connection.Name,
                ["session_id"] = login.SessionId,
                ["sso"] = login.Session is not null,
                ["pkce"] = login.Request.CodeChallenge is not null,
            },
        };
}

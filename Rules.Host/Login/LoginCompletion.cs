using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Storage;
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

/// <summary>A login whose rules ran: the outcome, and the parameters its callback gets.</summary>
public sealed record CompletedLogin(Outcome Outcome, IReadOnlyList<KeyValuePair<string, string?>> Response);

/// <summary>
/// The part every regular login shares once the user is known: count the login (durably, before the rules, so they
/// see the new count as in Auth0), run the rule pipeline with Auth0's context (protocol from the response type,
/// <c>sso</c>, <c>authentication.methods</c>, no impersonation markers), then on an allow apply the rules' metadata
/// changes, issue the code or tokens and start or extend the SSO session; on a deny hand nothing out. Either way the
/// decision record and the audit entry are written before the response.
/// </summary>
public sealed class LoginCompletion(
    RuleSetProvider rules, TenantStore store, SessionStore sessions, AuthorizationIssuer authorizations, LoginRecorder recorder, Database database, TimeProvider clock)
{
    public const string DecisionKind = "login";

    public async Task<CompletedLogin> CompleteAsync(HttpContext http, AuthorizeRequest request, TenantUser user, LoginKind kind, SsoSession? session, string? auditUserName = null)
    {
        var now = clock.GetUtcNow();
        var newSessionSecret = session is null ? Secrets.NewSecret() : null;
        var sessionId = session?.Id ?? SessionStore.PublicId(newSessionSecret!);
        var methods = session?.Methods.DeepClone().AsArray() ?? new JsonArray(LoginTransactionBuilder.Method("pwd", now));
        var sso = session is null
            ? new JsonObject { ["with_auth0"] = false, ["with_dbconn"] = false, ["current_clients"] = new JsonArray() }
            : new JsonObject
            {
                ["with_auth0"] = true,
                ["with_dbconn"] = request.Connection.IsDatabase,
                ["current_clients"] = new JsonArray(session.Clients.Select(c => (JsonNode?)c).ToArray()),
            };

        var loginsCount = store.IncrementLoginsCount(user.UserId);
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
        }, http, now);

        var outcome = await rules.ExecuteAsync(transaction, http.RequestAborted);
        var decisionId = LoginRecorder.NewDecisionId();
        var (type, description) = (kind, outcome.IsAllowed) switch
        {
            (LoginKind.Silent, true) => ("ssa", "Successful silent authentication"),
            (LoginKind.Silent, false) => ("fsa", $"Failed silent authentication: {outcome.ErrorDescription}"),
            (_, true) => ("s", "Successful login"),
            (_, false) => ("f", $"Failed login: {outcome.ErrorDescription}"),
        };
        var entry = new AuditEntry
        {
            Date = now,
            Type = type,
            Description = description,
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = user.UserId,
            UserName = auditUserName ?? user.Email,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            Details = new JsonObject
            {
                ["protocol"] = request.ResponseType.Protocol,
                ["response_type"] = request.ResponseTypeValue,
                ["response_mode"] = request.ResponseMode,
                ["scope"] = request.Scope,
                ["connection"] = request.Connection.Name,
                ["session_id"] = sessionId,
                ["sso"] = session is not null,
                ["pkce"] = request.CodeChallenge is not null,
            },
        };

        IReadOnlyList<KeyValuePair<string, string?>> response = [];
        // The code, metadata changes, session, audit entry and decision record are committed together or not at all.
        database.Write(writes =>
        {
            if (outcome.IsAllowed)
            {
                var grant = AuthorizationGrant.FromOutcome(outcome, user.UserId, request.Client.ClientId, request.RedirectUri, request.Scopes, profile,
                    session?.AuthenticatedAt ?? now, decisionId) with
                {
                    Nonce = request.Nonce,
                    CodeChallenge = request.CodeChallenge,
                    SessionId = sessionId,
                };
                response = authorizations.Allowed(writes, http, outcome, grant, request.ResponseType, request.State);
                if (session is null)
                {
                    sessions.Start(writes, http, newSessionSecret!, user.UserId, request.Connection.Name, methods, request.Client.ClientId);
                }
                else
                {
                    sessions.Touch(writes, session, request.Client.ClientId);
                }
            }
            else
            {
                response = AuthorizationIssuer.Denied(outcome, request.State);
            }
            recorder.Record(writes, decisionId, DecisionKind, now, transaction, outcome, entry);
        });
        return new CompletedLogin(outcome, response);
    }
}

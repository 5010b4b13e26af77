using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Login;
using Rules.Host.OAuth;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.MultiFactor;

/// <summary>The second factor a suspended login proved: the methods rules now see, and what the first run already counted.</summary>
public sealed record MultifactorProof(JsonArray Methods, long LoginsCount, DateTimeOffset AuthenticatedAt)
{
    /// <summary>As kept with a pending login, so a rule that redirects after the challenge does not bring the challenge back at /continue.</summary>
    public JsonObject ToJson() => new()
    {
        ["methods"] = Methods.DeepClone(),
        ["logins_count"] = LoginsCount,
        ["authenticated_at"] = AuthenticatedAt.ToUnixTimeMilliseconds(),
    };

    public static MultifactorProof? FromJson(JsonNode? json) => json is JsonObject proof
        && proof["methods"] is JsonArray methods && proof["logins_count"] is JsonValue count && proof["authenticated_at"] is JsonValue at
        ? new MultifactorProof((JsonArray)methods.DeepClone(), count.GetValue<long>(), DateTimeOffset.FromUnixTimeMilliseconds(at.GetValue<long>()))
        : null;
}

/// <summary>
/// Between the rules and the authorization response of a regular login: when the rules allowed on condition of a second factor
/// (<see cref="Outcome.Mfa"/>) and it was not proved in this login, nothing is issued. The login is suspended (a
/// challenge row and cookie, then the challenge page), or, for <c>prompt=none</c>, answered with
/// <c>interaction_required</c>. A browser remembered for this user skips it when the rules allowed that.
/// </summary>
public sealed class MultifactorGate(MultifactorChallengeStore challenges, RememberBrowser remember, LoginRecorder recorder, Database database,
    IOptions<RulesHostOptions> options)
{
    public const string RequiredType = "mfar";

    public bool MustChallenge(HttpContext http, Outcome outcome, string userId, MultifactorProof? proof) =>
        outcome is { IsAllowed: true, Mfa: { } mfa } && proof is null && !(mfa.AllowRememberBrowser && remember.IsRemembered(http, userId));

    /// <summary>Records the rules' decision, issues nothing, and sends the browser to the challenge (or the app an error).</summary>
    /// <param name="authorizeQuery">The authorize request's query string, which the challenge page validates again (not the state of a /continue).</param>
    public CompletedLogin Suspend(HttpContext http, AuthorizeRequest request, string authorizeQuery, TenantUser user, LoginKind kind, SsoSession? session, JsonArray methods,
        long loginsCount, DateTimeOffset now, string decisionId, LoginTransaction transaction, Outcome outcome, AuditEntry entry)
    {
        if (kind == LoginKind.Silent)
        {
            // OIDC Core §3.1.2.6: the user must interact, and prompt=none forbids it.
            const string description = "Multi-factor authentication required";
            var silent = entry with { Type = "fsa", Description = $"Failed silent authentication: {description}" };
            silent.Details["error"] = "interaction_required";
            database.Write(writes => recorder.Record(writes, decisionId, LoginCompletion.DecisionKind, now, transaction, outcome, silent));
            return new CompletedLogin(outcome, AuthorizeResponse.Failure(request.RedirectUri, request.ResponseMode, "interaction_required", description, request.State));
        }

        var secret = Secrets.NewSecret();
        var lifetime = options.Value.Login.Multifactor.ChallengeLifetime;
        var challenge = new MultifactorChallenge(user.UserId, request.Client.ClientId, request.Connection.Name,
            session is null ? null : Secrets.Hash(session.Secret), methods, loginsCount, session?.AuthenticatedAt ?? now,
            outcome.Mfa!.AllowRememberBrowser, RememberRequested: false, Verified: false);
        var suspended = entry with { Type = RequiredType, Description = "Multi-factor authentication required" };
        suspended.Details["mfa_provider"] = outcome.Mfa.Provider;
        database.Write(writes =>
        {
            challenges.Create(writes, secret, challenge, lifetime);
            recorder.Record(writes, decisionId, LoginCompletion.DecisionKind, now, transaction, outcome, suspended);
        });
        http.Response.Cookies.Append(MultifactorChallengeStore.CookieName, secret, MultifactorChallengeStore.CookieOptions(http, lifetime));
        http.Response.Headers.CacheControl = "no-store";
        return new CompletedLogin(outcome, null, Results.Redirect("/login/mfa" + authorizeQuery));
    }
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.Redirect;

/// <summary>
/// A rule redirected a login: keep the login (with the transaction the rules saw and the redirect outcome), bind it to
/// this browser, put the run on record (decision record + <c>redirect_suspended</c> audit entry, in the same
/// transaction as the pending login), and send the browser to the rule's URL with the one-time <c>state</c>.
/// Nothing is issued: the rules' claims and metadata changes wait for the continue.
/// </summary>
public sealed class LoginSuspender(PendingLoginStore pending, LoginRecorder recorder, Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public const string SuspendedType = "redirect_suspended";

    /// <param name="login">The pending login without its times, transaction or outcome: those are added here.</param>
    /// <param name="entry">The audit entry the login would write (client, user, impersonator, details); it becomes the suspended entry.</param>
    public IResult Suspend(HttpContext http, PendingLogin login, LoginTransaction transaction, Outcome outcome, string decisionKind, AuditEntry entry)
    {
        var redirect = outcome.Redirect ?? throw new ArgumentException("the outcome is not a redirect", nameof(outcome));
        var now = clock.GetUtcNow();
        var lifetime = options.Value.PendingLoginLifetime;
        var browser = BrowserBinding.Ensure(http, lifetime);
        var stored = login with
        {
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            Rule = outcome.Rule ?? "",
            RuleSetVersion = outcome.RuleSetVersion,
            Login = Augment(login.Login, transaction, outcome),
        };
        var pendingId = PendingLoginStore.PendingId(OAuth.Secrets.Hash(redirect.State));
        entry.Details["pending_id"] = pendingId;
        entry.Details["redirect_url"] = redirect.Url;
        entry.Details["expires_at"] = JsonColumns.Timestamp(stored.ExpiresAt);
        var suspended = entry with
        {
            Type = SuspendedType,
            Description = $"Login suspended: rule '{outcome.Rule}' redirected the browser to {Origin(redirect.Url)}",
        };

        database.Write(writes =>
        {
            pending.Insert(writes, redirect.State, browser, stored);
            recorder.Record(writes, LoginRecorder.NewDecisionId(), decisionKind, now, transaction, outcome, suspended);
        });

        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Redirect(QueryHelpers.AddQueryString(redirect.Url, "state", redirect.State));
    }

    private static JsonObject Augment(JsonObject login, LoginTransaction transaction, Outcome outcome)
    {
        var copy = (JsonObject)login.DeepClone();
        copy["transaction"] = TransactionJson.ToJson(transaction);
        copy["outcome"] = OutcomeJson.ToJsonObject(outcome, includeTimings: false);
        return copy;
    }

    private static string Origin(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.RuleSets;

namespace Rules.Host.Redirect;

/// <summary>
/// GET and POST /continue?state=…: the browser comes back from the page a rule sent it to. The pending login is taken
/// once, only by the browser that started it, only before it expires; the rules run again on the same rule-set version
/// (<c>context.protocol = "redirect-callback"</c>, the request's query and form in <c>context.request</c>) and the login
/// completes as it would have: code or tokens, decision record and audit entry in one transaction. Every refusal is a
/// page that says what to do, and an audit entry.
/// </summary>
public static class ContinueEndpoint
{
    public const string RefusedType = "redirect_continue_refused";
    private const int MaxParameters = 100;
    private const int MaxValueLength = 8192;

    public static async Task<IResult> HandleAsync(HttpContext http, PendingLoginStore store, RuleSetProvider rules, AuditLog audit, TimeProvider clock,
        LoginContinuation logins, ImpersonationContinuation impersonations, IOptions<RulesHostOptions> options)
    {
        http.Response.Headers.CacheControl = "no-store";
        var now = clock.GetUtcNow();
        var (query, body, problem) = await ReadParametersAsync(http, options.Value.MaxRequestBodyBytes);
        var state = (body["state"] ?? query["state"])?.GetValue<string>();
        if (problem is not null || state is null || !IsWellFormed(state))
        {
            return Refuse(http, audit, now, "malformed", null, "This sign-in cannot be continued",
                problem ?? "The link that brought you here is incomplete or was altered. Start signing in again from the application.");
        }

        var (pending, refusal, known) = store.Take(state, BrowserBinding.Read(http), now);
        if (pending is null)
        {
            var (reason, title, message) = refusal switch
            {
                ContinueRefusal.Used => ("used", "This sign-in was already continued",
                    "A continue link works once. If you still need to sign in, start again from the application."),
                ContinueRefusal.Expired => ("expired", "This sign-in has expired",
                    "The sign-in waited too long for you to come back. Start signing in again from the application."),
                ContinueRefusal.OtherBrowser => ("other_browser", "This sign-in belongs to another browser",
                    "It was started in a different browser (or this browser's cookies were cleared). Continue in the browser where you started, or start again here."),
                _ => ("unknown", "This sign-in cannot be continued",
                    "The link that brought you here is not valid or was altered. Start signing in again from the application."),
            };
            return Refuse(http, audit, now, reason, known, title, message);
        }

        // The continue runs on the version that redirected: the rules that asked for the redirect are the ones that read its answer.
        var pipeline = rules.Current;
        if (pipeline is null || pipeline.Version != pending.RuleSetVersion)
        {
            return Refuse(http, audit, now, "rule_set_changed", pending, "The sign-in rules changed",
                "The rules changed while this sign-in was waiting for you. Start signing in again from the application.");
        }

        var continuedFrom = new JsonObject { ["pending_id"] = pending.PendingId, ["rule"] = pending.Rule, ["answer"] = Answer(query, body) };
        return pending.Kind == PendingLoginKinds.Impersonation
            ? await impersonations.ContinueAsync(http, pending, pipeline, query, body, now, continuedFrom)
            : await logins.ContinueAsync(http, pending, pipeline, query, body, now, continuedFrom);
    }

    /// <summary>The continue run: the suspended login's transaction with the continue request in it, on <paramref name="pipeline"/>.</summary>
    public static (LoginTransaction Transaction, ExecutionOptions Options) Continuation(
        PendingLogin pending, Rules.Engine.Pipeline.RulePipeline pipeline, JsonObject query, JsonObject body, DateTimeOffset now, Action<JsonObject>? adjustContext = null)
    {
        var suspended = TransactionJson.FromNode(pending.Login["transaction"]);
        adjustContext?.Invoke(suspended.Context);
        return RedirectContinuation.Build(pipeline.RuleSet, suspended, pending.Login["outcome"]!.AsObject(), query, body, now);
    }

    /// <summary>
    /// What the browser brought back (a ticket number, an accepted version of the terms), for the audit entry: the user's
    /// answer is part of what happened. Without the state; each value cut at 256 characters, at most 20 of them.
    /// </summary>
    private static JsonObject Answer(JsonObject query, JsonObject body)
    {
        var answer = new JsonObject();
        foreach (var (name, value) in query.Concat(body))
        {
            if (name == "state" || answer.Count >= 20)
            {
                continue;
            }
            var text = value?.GetValue<string>() ?? "";
            answer[name] = text.Length > 256 ? text[..256] + "…" : text;
        }
        return answer;
    }

    /// <summary>The state is ours: 32 random bytes in base64url. Anything else was made up or altered.</summary>
    private static bool IsWellFormed(string state) =>
        state.Length is > 0 and <= 64 && state.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static async Task<(JsonObject Query, JsonObject Body, string? Problem)> ReadParametersAsync(HttpContext http, long maxBytes)
    {
        var query = Collect(http.Request.Query);
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return (query, [], null);
        }
        if (!http.Request.HasFormContentType)
        {
            return (query, [], "The form was not sent as a form (application/x-www-form-urlencoded or multipart/form-data).");
        }
        if (http.Request.ContentLength > maxBytes)
        {
            return (query, [], "The form is too large.");
        }
        try
        {
            http.Features.Set<IFormFeature>(new FormFeature(http.Request, new FormOptions
            {
                ValueCountLimit = MaxParameters,
                ValueLengthLimit = MaxValueLength,
                MultipartBodyLengthLimit = maxBytes,
                BufferBodyLengthLimit = maxBytes,
            }));
            var form = await http.Request.ReadFormAsync();
            return (query, Collect(form), null);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (query, [], "The form could not be read.");
        }
    }

    /// <summary>One string per parameter (the first), as Auth0 gave rules <c>context.request.query</c>; at most <see cref="MaxParameters"/>.</summary>
    private static JsonObject Collect(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> values)
    {
        var collected = new JsonObject();
        foreach (var (name, value) in values.Take(MaxParameters))
        {
            var first = value.Count > 0 ? value[0] ?? "" : "";
            collected[name] = first.Length > MaxValueLength ? first[..MaxValueLength] : first;
        }
        return collected;
    }

    private static IResult Refuse(HttpContext http, AuditLog audit, DateTimeOffset now, string reason, PendingLogin? known, string title, string message)
    {
        audit.Write(AuditEntry.For(http, now, RefusedType, $"Login continue refused: {reason.Replace('_', ' ')}") with
        {
            ClientId = known?.ClientId,
            UserId = known?.UserId,
            Details = new JsonObject
            {
                ["reason"] = reason,
                ["pending_id"] = known?.PendingId,
                ["rule"] = known?.Rule,
                ["kind"] = known?.Kind,
                ["expires_at"] = known is null ? null : Storage.JsonColumns.Timestamp(known.ExpiresAt),
            },
        });
        return HtmlPage.Message(http, title, message, 400);
    }
}

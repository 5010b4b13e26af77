using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Impersonation;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.Redirect;

/// <summary>
/// Finishes an impersonated login at /continue: the link's login is checked again as when it was followed
/// (impersonation still on, impersonator still allowed, user not blocked, callback still registered), then
/// <see cref="ImpersonationLinkEndpoint.Conclude"/> records and delivers it to the link's callback.
/// </summary>
public sealed class ImpersonationContinuation(
    ImpersonationLinkValidator validator, RuleSetProvider rules, ImpersonationRedirects redirects, AuthorizeResponseGenerator authorizations,
    LoginRecorder recorder, AuditLog audit, Database database)
{
    public IResult Continue(HttpContext http, PendingLogin pending, Rules.Engine.Pipeline.RulePipeline pipeline, JsonObject query, JsonObject body,
        DateTimeOffset now, JsonObject continuedFrom)
    {
        var link = ImpersonationRedirects.ReadLink(pending.Login);
        var validation = validator.Recheck(link);
        if (validation.Login is null)
        {
            var reason = validation.PageError ?? validation.Denial!;
            audit.Write(new AuditEntry
            {
                Date = now,
                Type = "f",
                Description = $"Failed login: {reason}",
                ClientId = link.ClientId,
                UserId = link.UserId,
                ImpersonatorId = link.ImpersonatorId,
                Ip = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = http.Request.Headers.UserAgent.ToString(),
                Details = new JsonObject { ["link_id"] = link.LinkId, ["decision"] = "deny", ["error"] = "access_denied", ["error_description"] = reason, ["continued"] = continuedFrom },
            });
            return validation.PageError is not null
                ? HtmlPage.Message(http, "Link invalid or expired", validation.PageError, 400)
                : AuthorizeResponse.Create(http, link.Parameters.CallbackUrl, link.Parameters.ResponseMode,
                    [new("error", "access_denied"), new("error_description", reason), new("state", link.Parameters.State)]);
        }

        var sessionId = pending.Login["session_id"]!.GetValue<string>();
        var (transaction, options) = ContinueEndpoint.Continuation(pending, pipeline, query, body, now);
        var outcome = rules.Execute(pipeline, transaction, options);
        if (outcome.IsRedirect)
        {
            return redirects.Suspend(http, validation, sessionId, transaction, outcome, new AuditEntry
            {
                Date = now,
                Type = LoginSuspender.SuspendedType,
                ClientId = link.ClientId,
                ClientName = validation.Client?.Name,
                UserId = link.UserId,
                UserName = validation.User?.Email,
                ImpersonatorId = link.ImpersonatorId,
                ImpersonatorEmail = validation.Impersonator?.Email,
                Ip = http.Connection.RemoteIpAddress?.ToString(),
                UserAgent = http.Request.Headers.UserAgent.ToString(),
                Details = new JsonObject { ["link_id"] = link.LinkId, ["session_id"] = sessionId },
            });
        }
        return ImpersonationLinkEndpoint.Conclude(http, validation, sessionId, transaction, outcome, authorizations, recorder, database, now, continuedFrom);
    }
}

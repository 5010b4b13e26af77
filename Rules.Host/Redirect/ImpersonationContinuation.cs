using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Impersonation;
using Rules.Host.LoginFinishing;
using Rules.Host.OAuth;

namespace Rules.Host.Redirect;

/// <summary>
/// Finishes an impersonated login at /continue: the link's login is checked again as when it was followed
/// (impersonation still on, impersonator still allowed, user not blocked, callback still registered), then
/// <see cref="ImpersonationLinkEndpoint.Conclude"/> records and delivers it to the link's callback.
/// </summary>
public sealed class ImpersonationContinuation(
    ImpersonationLinkValidator validator, LoginFinisher finisher, ImpersonationRedirects redirects, AuditLog audit)
{
    public async Task<IResult> ContinueAsync(HttpContext http, PendingLogin pending, Rules.Engine.Pipeline.RulePipeline pipeline, JsonObject query, JsonObject body,
        DateTimeOffset now, JsonObject continuedFrom)
    {
        var link = ImpersonationRedirects.ReadLink(pending.Login);
        var validation = validator.Recheck(link);
        if (validation.Login is null)
        {
            var reason = validation.ErrorDescription!;
            audit.Write(AuditEntry.For(http, now, "f", $"Failed login: {reason}") with
            {
                ClientId = link.ClientId,
                UserId = link.UserId,
                ImpersonatorId = link.ImpersonatorId,
                Details = new JsonObject { ["link_id"] = link.LinkId, ["decision"] = "deny", ["error"] = "access_denied", ["error_description"] = reason, ["continued"] = continuedFrom },
            });
            return validation.ErrorOnPage
                ? HtmlPage.Message(http, "Link invalid or expired", reason, 400)
                : AuthorizeResponse.Failure(link.Parameters.CallbackUrl, link.Parameters.ResponseMode, "access_denied", reason, link.Parameters.State).ToResult(http);
        }

        var sessionId = pending.Login["session_id"]!.GetValue<string>();
        var (transaction, options) = ContinueEndpoint.Continuation(pending, pipeline, query, body, now);
        var outcome = await finisher.RunAsync(http, pipeline, transaction, options);
        if (outcome.IsRedirect)
        {
            return redirects.Suspend(http, validation, sessionId, transaction, outcome, AuditEntry.For(http, now, LoginSuspender.SuspendedType) with
            {
                ClientId = link.ClientId,
                ClientName = validation.Client?.Name,
                UserId = link.UserId,
                UserName = validation.User?.Email,
                ImpersonatorId = link.ImpersonatorId,
                ImpersonatorEmail = validation.Impersonator?.Email,
                Details = new JsonObject { ["link_id"] = link.LinkId, ["session_id"] = sessionId },
            });
        }
        return ImpersonationLinkEndpoint.Conclude(http, validation, sessionId, transaction, outcome, finisher, now, continuedFrom);
    }
}

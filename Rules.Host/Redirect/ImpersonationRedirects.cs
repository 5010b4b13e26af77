using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Impersonation;
using Rules.Host.Storage;

namespace Rules.Host.Redirect;

/// <summary>
/// Impersonated logins a rule redirects. The browser is the impersonator's (they followed the link), so the
/// redirect asks them, not the user. Kept to finish at /continue: the redeemed link (checked again then: an
/// impersonator revoked meanwhile is refused) and the session id the rules saw.
/// </summary>
public sealed class ImpersonationRedirects(LoginSuspender suspender)
{
    public IResult Suspend(HttpContext http, ImpersonationLinkValidationResult validation, string sessionId, LoginTransaction transaction, Outcome outcome, AuditEntry entry)
    {
        var link = validation.Link!;
        var pending = new PendingLogin
        {
            Kind = PendingLoginKinds.Impersonation,
            ClientId = link.ClientId,
            UserId = link.UserId,
            Rule = "",
            RuleSetVersion = "",
            ResponseType = link.Parameters.ResponseType,
            ResponseMode = link.Parameters.ResponseMode,
            State = link.Parameters.State,
            Login = new JsonObject
            {
                ["link"] = new JsonObject
                {
                    ["link_id"] = link.LinkId,
                    ["user_id"] = link.UserId,
                    ["impersonator_id"] = link.ImpersonatorId,
                    ["client_id"] = link.ClientId,
                    ["parameters"] = link.Parameters.ToJson(),
                    ["created_at"] = JsonColumns.Timestamp(link.CreatedAt),
                },
                ["session_id"] = sessionId,
            },
        };
        return suspender.Suspend(http, pending, transaction, outcome, ImpersonationLinkEndpoint.DecisionKind, entry);
    }

    public static RedeemedLink ReadLink(JsonObject login)
    {
        var link = login["link"]!.AsObject();
        return new RedeemedLink(link["link_id"]!.GetValue<string>(), link["user_id"]!.GetValue<string>(), link["impersonator_id"]!.GetValue<string>(),
            link["client_id"]!.GetValue<string>(), ImpersonationParameters.FromJson(link["parameters"]!.ToJsonString()),
            JsonColumns.ReadTimestamp(link["created_at"]!.GetValue<string>()));
    }
}

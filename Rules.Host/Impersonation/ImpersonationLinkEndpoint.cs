using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.LoginFinishing;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

/// <summary>
/// GET /impersonation/{secret}: following the link logs in as the user. The link is consumed first (once),
/// the login re-checked, the rule pipeline run on the impersonated transaction, and the outcome delivered to
/// the callback fixed at link creation: a code, tokens, or error and error_description. The decision-log
/// record and the audit entry are written before the response.
/// </summary>
public static class ImpersonationLinkEndpoint
{
    public const string DecisionKind = "impersonation";
    public const string InvalidLinkMessage = "This impersonation link is invalid, has expired or was already used. Ask for a new one.";

    public static async Task<IResult> HandleAsync(
        string secret, HttpContext http, ImpersonationLinkValidator validator, LoginFinisher finisher, AuditLog audit, TimeProvider clock,
        Redirect.ImpersonationRedirects redirects)
    {
        var now = clock.GetUtcNow();
        var validation = validator.Validate(secret, now, AuditEntry.IpOf(http), AuditEntry.UserAgentOf(http));
        if (validation.Link is not { } link)
        {
            // The page says only "invalid, expired or used" (the holder of a guessed secret learns nothing); the audit
            // entry says which, and which link, so an operator can tell a replay from a late click.
            var refused = validation.Refused!;
            var details = new JsonObject { ["reason"] = refused.Reason };
            if (refused.LinkId is not null) details["link_id"] = refused.LinkId;
            if (refused.UsedAt is { } usedAt) details["used_at"] = JsonColumns.Timestamp(usedAt);
            if (refused.ExpiredAt is { } expiredAt) details["expired_at"] = JsonColumns.Timestamp(expiredAt);
            audit.Write(Entry(http, now, "f", refused.Reason switch
            {
                UnredeemableLink.Used => "Failed login: impersonation link already used",
                UnredeemableLink.Expired => "Failed login: impersonation link expired",
                _ => "Failed login: unknown impersonation link",
            }, validation, details));
            return ErrorPage(http, InvalidLinkMessage);
        }
        if (validation is { IsError: true, ErrorOnPage: true })
        {
            var pageError = validation.ErrorDescription!;
            audit.Write(Entry(http, now, "f", $"Failed login: {pageError}", validation, new JsonObject { ["link_id"] = link.LinkId }));
            return ErrorPage(http, pageError);
        }

        var parameters = link.Parameters;
        if (validation.IsError)
        {
            var denial = validation.ErrorDescription!;
            audit.Write(Entry(http, now, "f", $"Failed login: {denial}", validation, new JsonObject
            {
                ["link_id"] = link.LinkId,
                ["decision"] = "deny",
                ["error"] = "access_denied",
                ["error_description"] = denial,
            }));
            return AuthorizeResponse.Failure(parameters.CallbackUrl, parameters.ResponseMode, "access_denied", denial, parameters.State).ToResult(http);
        }

        var login = validation.Login!;
        var sessionId = Secrets.NewSecret()[..32];
        var transaction = ImpersonationTransactionBuilder.Build(login, http, sessionId, now);
        var outcome = await finisher.RunAsync(http, transaction);
        if (outcome.IsRedirect)
        {
            // The browser is the impersonator's: a rule may ask them something (a ticket number) before the session starts.
            return redirects.Suspend(http, validation, sessionId, transaction, outcome, Entry(http, now, "s", "", validation, Details(link, sessionId)));
        }
        return Conclude(http, validation, sessionId, transaction, outcome, finisher, now);
    }

    /// <summary>Records an outcome that allows or denies and delivers it to the link's callback: for a followed link, or a login continued after a redirect.</summary>
    public static IResult Conclude(HttpContext http, ImpersonationLinkValidationResult validation, string sessionId, LoginTransaction transaction, Outcome outcome,
        LoginFinisher finisher, DateTimeOffset now, JsonObject? continuedFrom = null)
    {
        var login = validation.Login!;
        var link = login.Link;
        var parameters = link.Parameters;
        var decisionId = LoginRecorder.NewDecisionId();
        var details = Details(link, sessionId);
        if (continuedFrom is not null)
        {
            details["continued"] = continuedFrom;
        }

        var entry = Entry(http, now, outcome.IsAllowed ? "s" : "f",
            (outcome.IsAllowed ? "Successful login (impersonated session)" : $"Failed login: {outcome.ErrorDescription}")
                + (continuedFrom is null ? "" : " (continued after a redirect)"), validation, details);
        return finisher.Conclude(http, new LoginConclusion
        {
            DecisionKind = DecisionKind,
            DecisionId = decisionId,
            Now = now,
            Transaction = transaction,
            Outcome = outcome,
            Entry = entry,
            Callback = new AuthorizeResponse(parameters.CallbackUrl, parameters.ResponseMode) { State = parameters.State },
            ResponseType = ResponseTypeOf(parameters),
            Grant = outcome.IsAllowed ? Grant(login, outcome, decisionId, now) : null,
        }).ToResult(http);
    }

    private static JsonObject Details(RedeemedLink link, string sessionId) => new()
    {
        ["link_id"] = link.LinkId,
        ["protocol"] = link.Parameters.Protocol,
        ["response_type"] = link.Parameters.ResponseType,
        ["response_mode"] = link.Parameters.ResponseMode,
        ["scope"] = link.Parameters.Scope,
        ["session_id"] = sessionId,
    };

    /// <summary>The link's response types keep their contract: <c>token</c> delivers the access token and the ID token.</summary>
    private static ResponseType ResponseTypeOf(ImpersonationParameters parameters) =>
        parameters.ResponseType == ImpersonationParameters.Code ? ResponseType.CodeFlow : new ResponseType(false, true, true);

    private static AuthorizationGrant Grant(ImpersonatedLogin login, Outcome outcome, string decisionId, DateTimeOffset now)
    {
        var parameters = login.Link.Parameters;
        return AuthorizationGrant.FromOutcome(outcome, login.User.UserId, login.Client.ClientId, parameters.CallbackUrl, parameters.Scopes,
            login.User.ToProfileJson(), now, decisionId) with
        {
            Impersonator = new Impersonator(login.Impersonator.UserId, login.Impersonator.Email),
            Nonce = parameters.Nonce,
        };
    }

    private static AuditEntry Entry(HttpContext http, DateTimeOffset now, string type, string description, ImpersonationLinkValidationResult validation, JsonObject details) =>
        AuditEntry.For(http, now, type, description) with
        {
            ClientId = validation.Link?.ClientId ?? validation.Refused?.ClientId,
            ClientName = validation.Client?.Name,
            UserId = validation.Link?.UserId ?? validation.Refused?.UserId,
            UserName = validation.User?.Email,
            ImpersonatorId = validation.Link?.ImpersonatorId ?? validation.Refused?.ImpersonatorId,
            ImpersonatorEmail = validation.Impersonator?.Email,
            Details = details,
        };

    /// <summary>400, never a redirect: with no valid link there is no callback we may trust. JSON for API clients, else a small page.</summary>
    private static IResult ErrorPage(HttpContext http, string message)
    {
        http.Response.Headers.CacheControl = "no-store";
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return Auth0Error.BadRequest(message, ImpersonationLinkValidator.InvalidLink).ToResult();
        }

        return HtmlPage.Message(http, "Link invalid or expired", message, 400);
    }
}

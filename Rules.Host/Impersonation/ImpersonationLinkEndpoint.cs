using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Tenant;

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

    public static IResult Handle(
        string secret, HttpContext http, ImpersonationLinkValidator validator, RuleSetProvider rules, TenantStore store,
        AuthorizationCodeStore codes, TokenIssuer issuer, AuditLog audit, DecisionLog decisions, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var validation = validator.Validate(secret, now);
        if (validation.Link is not { } link)
        {
            audit.Write(Entry(http, now, "f", "Failed login: impersonation link invalid, expired or already used", validation, []));
            return ErrorPage(http, InvalidLinkMessage);
        }
        if (validation.PageError is { } pageError)
        {
            audit.Write(Entry(http, now, "f", $"Failed login: {pageError}", validation, new JsonObject { ["link_id"] = link.LinkId }));
            return ErrorPage(http, pageError);
        }

        var parameters = link.Parameters;
        if (validation.Denial is { } denial)
        {
            audit.Write(Entry(http, now, "f", $"Failed login: {denial}", validation, new JsonObject
            {
                ["link_id"] = link.LinkId,
                ["decision"] = "deny",
                ["error"] = "access_denied",
                ["error_description"] = denial,
            }));
            return AuthorizeResponse.Create(http, parameters.CallbackUrl, parameters.ResponseMode,
                [new("error", "access_denied"), new("error_description", denial), new("state", parameters.State)]);
        }

        var login = validation.Login!;
        var sessionId = Secrets.NewSecret()[..32];
        var transaction = ImpersonationTransactionBuilder.Build(login, http, sessionId, now);
        var outcome = rules.Current?.Execute(transaction) ?? NoRuleSet();
        var decisionId = $"dec_{Guid.NewGuid():N}";
        if (outcome.Failure is { } failure)
        {
            // The operator's view of a failing rule: which rule, where in its file, the line itself, which limit.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Rules.Host.Impersonation").LogWarning(
                "Rule '{Rule}' failed ({Kind}) at {Location}: {Message}{Source}{Limit} [decision {DecisionId}]",
                outcome.Rule, outcome.Kind is { } failedKind ? OutcomeJson.KindName(failedKind) : null, failure.Location, failure.Message,
                failure.SourceLine is null ? "" : "\n    " + failure.SourceLine, failure.Limit is null ? "" : $" (limit {failure.Limit})", decisionId);
        }

        List<KeyValuePair<string, string?>> response;
        if (outcome.IsAllowed)
        {
            // Rules' metadata changes are applied only on an allowed login, before anything is handed out.
            store.ApplyMetadataUpdates(outcome.MetadataUpdates);
            var grant = Grant(login, outcome, decisionId, now);
            if (parameters.ResponseType == ImpersonationParameters.Code)
            {
                response = [new("code", codes.Issue(grant)), new("state", parameters.State)];
            }
            else
            {
                var tokens = issuer.Issue(grant, http);
                response =
                [
                    new("access_token", tokens.AccessToken), new("id_token", tokens.IdToken), new("token_type", "Bearer"),
                    new("expires_in", tokens.ExpiresIn.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("state", parameters.State),
                ];
            }
        }
        else
        {
            response = [new("error", outcome.Error ?? "access_denied"), new("error_description", outcome.ErrorDescription), new("state", parameters.State)];
        }

        // One serialisation of the outcome serves the decision record and the audit details.
        var record = DecisionLog.CreateRecord(decisionId, DecisionKind, now, transaction, outcome);
        var outcomeJson = record["outcome"]!.AsObject();
        var details = new JsonObject
        {
            ["link_id"] = link.LinkId,
            ["decision_id"] = decisionId,
            ["decision"] = outcome.IsAllowed ? "allow" : "deny",
            ["rule"] = outcome.Rule,
            ["kind"] = outcome.Kind is { } kind ? OutcomeJson.KindName(kind) : null,
            ["error"] = outcome.Error,
            ["error_description"] = outcome.ErrorDescription,
            ["ruleSetVersion"] = outcome.RuleSetVersion,
            ["failure"] = outcomeJson["failure"]?.DeepClone(),
            ["timings"] = outcomeJson["timings"]?.DeepClone(),
            ["protocol"] = parameters.Protocol,
            ["response_type"] = parameters.ResponseType,
            ["response_mode"] = parameters.ResponseMode,
            ["scope"] = parameters.Scope,
            ["session_id"] = sessionId,
        };
        var entry = Entry(http, now, outcome.IsAllowed ? "s" : "f",
            outcome.IsAllowed ? "Successful login (impersonated session)" : $"Failed login: {outcome.ErrorDescription}", validation, details);
        audit.Write(entry);
        decisions.Write(record, entry.LogId);

        return AuthorizeResponse.Create(http, parameters.CallbackUrl, parameters.ResponseMode, response);
    }

    private static AuthorizationGrant Grant(ImpersonatedLogin login, Outcome outcome, string decisionId, DateTimeOffset now)
    {
        var parameters = login.Link.Parameters;
        var accessClaims = (JsonObject)outcome.AccessToken.DeepClone();
        var scopes = accessClaims["scope"] is JsonArray ruleScopes
            ? ruleScopes.Select(s => s?.GetValue<string>()).OfType<string>().ToArray()
            : parameters.Scopes;
        accessClaims.Remove("scope");
        return new AuthorizationGrant
        {
            UserId = login.User.UserId,
            ClientId = login.Client.ClientId,
            RedirectUri = parameters.CallbackUrl,
            Scopes = parameters.Scopes,
            AccessTokenScopes = scopes,
            AuthTime = now,
            Profile = ProfileClaims.Snapshot(login.User.ToProfileJson()),
            IdTokenClaims = (JsonObject)outcome.IdToken.DeepClone(),
            AccessTokenClaims = accessClaims,
            Impersonator = new Impersonator(login.Impersonator.UserId, login.Impersonator.Email),
            Nonce = parameters.Nonce,
            DecisionId = decisionId,
        };
    }

    /// <summary>No rule set has ever compiled: the login fails closed, as the pipeline itself would.</summary>
    private static Outcome NoRuleSet() => new()
    {
        Decision = Decision.Deny,
        Error = "access_denied",
        ErrorDescription = "The login could not be completed: no rule set is live.",
        Kind = DenialKind.RuleError,
        Failure = new RuleFailure("no rule set is live"),
        Timings = new OutcomeTimings(0, []),
    };

    private static AuditEntry Entry(HttpContext http, DateTimeOffset now, string type, string description, ImpersonationLinkValidationResult validation, JsonObject details) => new()
    {
        Date = now,
        Type = type,
        Description = description,
        ClientId = validation.Link?.ClientId,
        ClientName = validation.Client?.Name,
        UserId = validation.Link?.UserId,
        UserName = validation.User?.Email,
        ImpersonatorId = validation.Link?.ImpersonatorId,
        ImpersonatorEmail = validation.Impersonator?.Email,
        Ip = http.Connection.RemoteIpAddress?.ToString(),
        UserAgent = http.Request.Headers.UserAgent.ToString(),
        Details = details,
    };

    /// <summary>400, never a redirect: with no valid link there is no callback we may trust. JSON for API clients, else a small page.</summary>
    private static IResult ErrorPage(HttpContext http, string message)
    {
        http.Response.Headers.CacheControl = "no-store";
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return Auth0Error.BadRequest(message, "invalid_link").ToResult();
        }

        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var text = HtmlEncoder.Default.Encode(message);
        return Results.Content($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Link invalid or expired</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
            <body><h1>Link invalid or expired</h1><p>{{text}}</p></body>
            </html>
            """, "text/html; charset=utf-8", statusCode: 400);
    }
}

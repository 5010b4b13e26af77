using System.Text.Json.Nodes;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Impersonation;
using Rules.Host.OAuth;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// POST /dashboard/api/users/{user_id}/impersonate: the dialog's "Sign in as User". It turns the dialog's choices into
/// the body of POST /users/{id}/impersonate, with the signed-in operator as impersonator and the application's first
/// Allowed Callback URL (as Auth0's Dashboard did), and hands it to <see cref="AuditedImpersonationLinks"/>: the same
/// validation, link and audit as the Management API. Response mode "get" is the query (code) or fragment (token);
/// "post" is form_post. Answers <c>{ url, expires_at, client_name, callback_url }</c> or Auth0's error JSON.
/// </summary>
public static class DashboardImpersonationEndpoint
{
    public static async Task<IResult> HandleAsync(string user_id, HttpContext http, AuditedImpersonationLinks links, TenantStore store,
        MultiFactor.ImpersonatorMultifactor impersonatorMfa)
    {
        var read = await RequestBody.ReadAsync(http.Request);
        if (read.IsError)
        {
            return read.Error.ToResult();
        }
        var body = read.Value!;

        var clientId = Text(body, "client_id");
        var responseType = Text(body, "response_type") ?? ImpersonationParameters.Code;
        var mode = Text(body, "response_mode") ?? "get";
        if (mode is not ("get" or "post"))
        {
            return Auth0Error.BadRequest("response_mode must be \"get\" or \"post\"", "unsupported_response_mode").ToResult();
        }
        var callback = clientId is null ? null : store.GetClient(clientId)?.Callbacks.FirstOrDefault();

        var additional = new JsonObject
        {
            ["response_type"] = responseType,
            ["response_mode"] = mode == "post" ? ResponseModes.FormPost : responseType == ImpersonationParameters.Token ? ResponseModes.Fragment : ResponseModes.Query,
            ["scope"] = Text(body, "scope") is { Length: > 0 } scope ? scope : "openid",
            ["callback_url"] = callback,
        };
        if (Text(body, "state") is { Length: > 0 } state)
        {
            additional["state"] = state;
        }
        var who = DashboardOperator.From(http.User);
        var request = new JsonObject
        {
            ["protocol"] = "oauth2",
            ["impersonator_id"] = who.UserId,
            ["client_id"] = clientId,
            ["additionalParameters"] = additional,
        };

        // With the tenant's impersonator-MFA setting on, a fresh code from the operator comes first.
        var (verified, mfaError) = impersonatorMfa.VerifyOperator(http, who.UserId, Text(body, "mfa_code"));
        if (mfaError is not null)
        {
            return mfaError.ToResult();
        }
        var issue = links.Issue(user_id, request, http, $"dashboard:{who.UserId}", verified);
        if (issue.IsError)
        {
            return issue.Validation.Error!.ToResult();
        }
        var validated = issue.Validation.Request!;
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            url = issue.Link!.Url,
            expires_at = issue.Link.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            client_name = validated.Client.Name,
            callback_url = validated.Parameters.CallbackUrl,
        });
    }

    /// <summary>A string field, or null when absent or not a string (the request validator then names what is missing).</summary>
    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text.Trim() : null;
}

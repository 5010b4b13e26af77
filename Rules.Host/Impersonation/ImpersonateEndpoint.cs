using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

/// <summary>
/// POST /users/{user_id}/impersonate (Management API token with impersonate:users): validates the request,
/// creates the one-time link and answers with its URL as text/plain, as Auth0 did. Every answer, link or
/// refusal, is in the audit trail before it is sent.
/// </summary>
public static class ImpersonateEndpoint
{
    public static async Task<IResult> HandleAsync(
        string user_id, HttpContext http, ImpersonationRequestValidator validator, ImpersonationLinkGenerator generator, AuditLog audit,
        Database database, TimeProvider clock)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(http.Request);
        if (bodyError is not null)
        {
            var error = new Auth0Error(bodyError.StatusCode, bodyError.StatusCode == 413 ? "Payload Too Large" : "Bad Request", bodyError.Message, "invalid_body");
            audit.Write(Refused(http, clock, new ImpersonationRequestValidationResult { UserId = user_id, Error = error }));
            return error.ToResult();
        }

        var result = validator.Validate(user_id, body!);
        if (result.IsError)
        {
            audit.Write(Refused(http, clock, result));
            return result.Error!.ToResult();
        }

        var request = result.Request!;
        ImpersonationLink link = null!;
        // The link exists only if its audit entry does: both are written in one transaction.
        database.Write(writes =>
        {
            link = generator.Generate(writes, request, http);
            audit.Write(writes, Requested(http, clock, request, link));
        });

        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(link.Url, "text/plain; charset=utf-8");
    }

    private static AuditEntry Requested(HttpContext http, TimeProvider clock, ValidatedImpersonationRequest request, ImpersonationLink link) =>
        new()
        {
            Date = clock.GetUtcNow(),
            Type = "impersonation_requested",
            Description = $"{request.Impersonator.Email ?? request.Impersonator.UserId} requested to sign in as {request.User.Email ?? request.User.UserId} on {request.Client.Name}",
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = request.User.UserId,
            UserName = request.User.Email,
            ImpersonatorId = request.Impersonator.UserId,
            ImpersonatorEmail = request.Impersonator.Email,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            Details = Details(http, request.Parameters.ToJson(), new JsonObject
            {
                ["link_id"] = link.LinkId,
                ["expires_at"] = JsonColumns.Timestamp(link.ExpiresAt),
            }),
        };

    private static AuditEntry Refused(HttpContext http, TimeProvider clock, ImpersonationRequestValidationResult result) => new()
    {
        Date = clock.GetUtcNow(),
        Type = "impersonation_refused",
        Description = result.Error!.Message,
        ClientId = result.ClientId,
        ClientName = result.ClientName,
        UserId = result.UserId,
        UserName = result.UserEmail,
        ImpersonatorId = result.ImpersonatorId,
        ImpersonatorEmail = result.ImpersonatorEmail,
        Ip = http.Connection.RemoteIpAddress?.ToString(),
        UserAgent = http.Request.Headers.UserAgent.ToString(),
        Details = Details(http, null, new JsonObject
        {
            ["status_code"] = result.Error.StatusCode,
            ["error_code"] = result.Error.ErrorCode,
            ["reason"] = result.Error.Message,
        }),
    };

    /// <summary>Who asked: the Management API token's subject and authorized party (a client, "id@clients").</summary>
    private static JsonObject Details(HttpContext http, JsonObject? parameters, JsonObject extra)
    {
        var details = parameters ?? [];
        var caller = http.Caller();
        details["requested_by"] = caller is not null && caller.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;
        foreach (var (key, value) in extra)
        {
            details[key] = value?.DeepClone();
        }
        return details;
    }
}

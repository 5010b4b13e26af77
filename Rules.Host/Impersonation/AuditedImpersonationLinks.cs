using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.MultiFactor;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

/// <summary>A link, or the refusal that was audited instead.</summary>
public sealed record ImpersonationLinkIssue(ImpersonationLink? Link, ImpersonationRequestValidationResult Validation)
{
    public bool IsError => Link is null;
}

/// <summary>
/// The one code path from an impersonation request to a one-time link: validate
/// (<see cref="ImpersonationRequestValidator"/>), generate (<see cref="ImpersonationLinkGenerator"/>), and put the
/// answer in the audit trail before anyone sees it. POST /users/{id}/impersonate and the Dashboard's "Sign in as
/// User" both come through here, so they cannot disagree about who may impersonate whom.
/// <c>requestedBy</c> names the caller in the audit details: a Management API token's <c>sub</c>, or
/// <c>dashboard:{operator user_id}</c>.
/// </summary>
public sealed class AuditedImpersonationLinks(
    ImpersonationRequestValidator validator, ImpersonationLinkGenerator generator, AuditLog audit, Database database, TimeProvider clock,
    ImpersonatorMultifactor impersonatorMfa)
{
    /// <param name="impersonatorVerifiedBy">How the caller already verified the impersonator's second factor (the Dashboard's fresh code).</param>
    public ImpersonationLinkIssue Issue(string userId, JsonObject body, HttpContext http, string? requestedBy, string? impersonatorVerifiedBy = null)
    {
        var result = validator.Validate(userId, body);
        var (verified, mfaError) = result.IsError ? (null, null) : impersonatorMfa.Check(result.Request!.Impersonator.UserId, impersonatorVerifiedBy);
        if (mfaError is not null)
        {
            result = result with { Request = null, Error = mfaError };
        }
        if (result.IsError)
        {
            AuditRefusal(http, result, requestedBy);
            return new ImpersonationLinkIssue(null, result);
        }

        var request = result.Request!;
        ImpersonationLink link = null!;
        // The link exists only if its audit entry does: both are written in one transaction.
        database.Write(writes =>
        {
            link = generator.Generate(writes, request, http);
            var entry = Requested(http, request, link, requestedBy);
            if (verified is not null)
            {
                entry.Details["impersonator_verified"] = verified;
            }
            audit.Write(writes, entry);
        });
        return new ImpersonationLinkIssue(link, result);
    }

    private AuditEntry Requested(HttpContext http, ValidatedImpersonationRequest request, ImpersonationLink link, string? requestedBy) =>
        AuditEntry.For(http, clock.GetUtcNow(), "impersonation_requested",
            $"{request.Impersonator.Email ?? request.Impersonator.UserId} requested to sign in as {request.User.Email ?? request.User.UserId} on {request.Client.Name}") with
        {
            ClientId = request.Client.ClientId,
            ClientName = request.Client.Name,
            UserId = request.User.UserId,
            UserName = request.User.Email,
            ImpersonatorId = request.Impersonator.UserId,
            ImpersonatorEmail = request.Impersonator.Email,
            Details = Details(requestedBy, request.Parameters.ToJson(), new JsonObject
            {
                ["link_id"] = link.LinkId,
                ["expires_at"] = JsonColumns.Timestamp(link.ExpiresAt),
            }),
        };

    /// <summary>Audits a refusal, including one made before validation (an unreadable body).</summary>
    public void AuditRefusal(HttpContext http, ImpersonationRequestValidationResult result, string? requestedBy) =>
        audit.Write(AuditEntry.For(http, clock.GetUtcNow(), "impersonation_refused", result.Error!.Message) with
        {
            ClientId = result.ClientId,
            ClientName = result.ClientName,
            UserId = result.UserId,
            UserName = result.UserEmail,
            ImpersonatorId = result.ImpersonatorId,
            ImpersonatorEmail = result.ImpersonatorEmail,
            Details = Details(requestedBy, null, new JsonObject
            {
                ["status_code"] = result.Error.StatusCode,
                ["error_code"] = result.Error.ErrorCode,
                ["reason"] = result.Error.Message,
            }),
        });

    private static JsonObject Details(string? requestedBy, JsonObject? parameters, JsonObject extra)
    {
        var details = parameters ?? [];
        details["requested_by"] = requestedBy;
        foreach (var (key, value) in extra)
        {
            details[key] = value?.DeepClone();
        }
        return details;
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Hosting;

namespace Rules.Host.MultiFactor;

/// <summary>
/// The tenant setting <see cref="MultifactorOptions.RequireForImpersonators"/>: a "Sign in as User" link is made only
/// for an impersonator with a confirmed factor. The Dashboard asks the operator for a fresh code first
/// (<see cref="VerifyOperator"/>); the Management API, whose caller is a machine token and cannot type one, refuses an
/// impersonator without an enrolled factor. The link's audit entry records how the impersonator was verified.
/// </summary>
public sealed class ImpersonatorMultifactor(FactorStore factors, MultifactorAttemptLimiter limiter, AuditLog audit, TimeProvider clock,
    IOptions<RulesHostOptions> options)
{
    public const string EnrolledFactor = "enrolled_factor";
    public const string FreshCode = "totp";
    public const string RecoveryCode = "recovery_code";

    public bool Required => options.Value.Login.Multifactor.RequireForImpersonators;

    /// <summary>
    /// For AuditedImpersonationLinks, once the request is valid: how the impersonator counts as verified (null when the setting is
    /// off), or the refusal. <paramref name="verifiedBy"/> is what the Dashboard already checked; null from the API.
    /// </summary>
    public (string? Verified, Auth0Error? Error) Check(string impersonatorId, string? verifiedBy)
    {
        if (!Required)
        {
            return (null, null);
        }
        if (verifiedBy is not null)
        {
            return (verifiedBy, null);
        }
        return factors.Find(impersonatorId) is { Confirmed: true }
            ? (EnrolledFactor, null)
            : (null, NoFactor(impersonatorId));
    }

    /// <summary>The Dashboard's check of a fresh code from the signed-in operator: the verification, or the answer to give.</summary>
    public (string? Verified, Auth0Error? Error) VerifyOperator(HttpContext http, string operatorId, string? code)
    {
        if (!Required)
        {
            return (null, null);
        }
        if (factors.Find(operatorId) is not { Confirmed: true })
        {
            return (null, NoFactor(operatorId));
        }
        code = code?.Trim() ?? "";
        if (code.Length is 0 or > 32)
        {
            return (null, Auth0Error.BadRequest("This tenant requires a code from your authenticator app before a \"Sign in as User\" link is made.", "mfa_required"));
        }
        if (limiter.IsLimited(operatorId))
        {
            Audit(http, operatorId, MultifactorAttemptLimiter.LimitedType, "Too many wrong codes: codes refused for now", null);
            return (null, new Auth0Error(429, "Too Many Requests", "Too many wrong codes. Try again later.", "too_many_attempts"));
        }
        if (code.Length == Totp.Digits)
        {
            var check = factors.CheckCode(operatorId, code);
            if (check == CodeCheck.Accepted)
            {
                Audit(http, operatorId, MultifactorAttemptLimiter.SucceededType, "Second factor verified for impersonation", "otp");
                return (FreshCode, null);
            }
            Audit(http, operatorId, MultifactorAttemptLimiter.FailedCodeType, "Wrong one-time code for impersonation", check == CodeCheck.Replayed ? "replayed_code" : "wrong_code");
            return (null, Auth0Error.Forbidden(check == CodeCheck.Replayed ? "That code was already used. Wait for the next one." : "That code is not right.", "invalid_mfa_code"));
        }
        if (factors.UseRecoveryCode(operatorId, code))
        {
            Audit(http, operatorId, MultifactorAttemptLimiter.RecoverySucceededType, "Recovery code used for impersonation", "recovery_code");
            return (RecoveryCode, null);
        }
        Audit(http, operatorId, MultifactorAttemptLimiter.FailedRecoveryType, "Wrong or used recovery code for impersonation", "wrong_recovery_code");
        return (null, Auth0Error.Forbidden("That recovery code is not valid or was already used.", "invalid_mfa_code"));
    }

    private static Auth0Error NoFactor(string impersonatorId) => Auth0Error.Forbidden(
        $"This tenant requires multi-factor authentication from impersonators, and impersonator '{impersonatorId}' has no enrolled factor. "
        + "They enrol at the login page the first time a rule asks them for a second factor.", "impersonator_mfa_required");

    private void Audit(HttpContext http, string userId, string type, string description, string? method)
    {
        var details = new JsonObject { ["purpose"] = "impersonation" };
        if (method is not null)
        {
            details["method"] = method;
        }
        audit.Write(AuditEntry.For(http, clock.GetUtcNow(), type, description) with
        {
            UserId = userId,
            Details = details,
        });
    }
}

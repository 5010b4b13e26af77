using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.MultiFactor;

/// <summary>
/// What an operator may do to a user's factor, from the Management API or the Dashboard: list it (never the secret),
/// reset it (the next challenge enrols again; remembered browsers are forgotten), and make new recovery codes.
/// Every change is audited with who asked.
/// </summary>
public sealed class FactorAdministration(FactorStore factors, AuditLog audit, Database database, TenantStore store, TimeProvider clock)
{
    public const string ResetType = "gd_unenroll";
    public const string RecoveryCodesType = "gd_recovery_codes_regenerated";

    /// <summary>Auth0's enrollment shape: <c>[{ id, status, type, auth_method, enrolled_at, last_auth }]</c>, plus our <c>recovery_codes_left</c>.</summary>
    public JsonArray Enrollments(string userId)
    {
        if (factors.Find(userId) is not { } enrollment)
        {
            return [];
        }
        var entry = new JsonObject
        {
            ["id"] = enrollment.Id,
            ["status"] = enrollment.Confirmed ? "confirmed" : "pending",
            ["type"] = "authenticator",
            ["auth_method"] = "authenticator",
            ["name"] = "TOTP authenticator app",
            ["enrolled_at"] = enrollment.ConfirmedAt?.ToString("O"),
            ["recovery_codes_left"] = factors.RemainingRecoveryCodes(userId),
        };
        if (enrollment.LastUsedStep >= 0)
        {
            entry["last_auth"] = DateTimeOffset.FromUnixTimeSeconds(enrollment.LastUsedStep * Totp.StepSeconds).ToString("O");
        }
        return [entry];
    }

    /// <summary>Removes the user's factor and recovery codes; false when the user has none.</summary>
    public bool Reset(string userId, string? requestedBy, HttpContext http)
    {
        var removed = false;
        database.Write(writes =>
        {
            removed = factors.Reset(writes, userId);
            if (removed)
            {
                audit.Write(writes, Entry(ResetType, "Multi-factor authentication reset: the next challenge enrols again", userId, requestedBy, http));
            }
        });
        return removed;
    }

    /// <summary>New recovery codes for a user with a confirmed factor, returned once; null when there is none.</summary>
    public IReadOnlyList<string>? RegenerateRecoveryCodes(string userId, string? requestedBy, HttpContext http)
    {
        if (factors.Find(userId) is not { Confirmed: true })
        {
            return null;
        }
        var codes = factors.NewRecoveryCodes(userId);
        audit.Write(Entry(RecoveryCodesType, "New recovery codes made; the old ones no longer work", userId, requestedBy, http));
        return codes;
    }

    private AuditEntry Entry(string type, string description, string userId, string? requestedBy, HttpContext http) =>
        AuditEntry.For(http, clock.GetUtcNow(), type, description) with
        {
            UserId = userId,
            UserName = store.GetUser(userId)?.Email,
            Details = new JsonObject { ["requested_by"] = requestedBy },
        };
}

using Dapper;
using Rules.Host.Audit;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

/// <summary>
/// Why a link could not be redeemed, for the audit trail: <c>used</c> or <c>expired</c> with the link's id and who and
/// what it was for (from the stored row), or <c>unknown</c> with nothing, since no link has that secret.
/// </summary>
public sealed record UnredeemableLink(string Reason, string? LinkId = null, string? UserId = null, string? ImpersonatorId = null, string? ClientId = null, DateTimeOffset? UsedAt = null, DateTimeOffset? ExpiredAt = null)
{
    public const string Used = "used";
    public const string Expired = "expired";
    public const string Unknown = "unknown";
}

/// <summary>A link as it came back from redemption.</summary>
public sealed record RedeemedLink(string LinkId, string UserId, string ImpersonatorId, string ClientId, ImpersonationParameters Parameters, DateTimeOffset CreatedAt);

/// <summary>
/// The impersonation_links table. Only the SHA-256 of a link's secret is stored. Redemption is a single
/// UPDATE ... WHERE consumed_at IS NULL AND expires_at > now RETURNING, so a link works once: of any number
/// of concurrent requests for it, exactly one gets the row back, and its audit entry commits with it.
/// </summary>
public sealed class ImpersonationLinkStore(Database database)
{
    /// <summary>A short, non-secret id for a link (a prefix of its hash) that ties its audit records together.</summary>
    public static string LinkId(string tokenHash) => "lnk_" + tokenHash[..16];

    public void Insert(Writes writes, string tokenHash, ValidatedImpersonationRequest request, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        writes.Connection.Execute("""
            INSERT INTO impersonation_links(token_hash, user_id, impersonator_id, client_id, request, created_at, expires_at)
            VALUES (@tokenHash, @userId, @impersonatorId, @clientId, @request, @createdAt, @expiresAt)
            """, new
        {
            tokenHash,
            userId = request.User.UserId,
            impersonatorId = request.Impersonator.UserId,
            clientId = request.Client.ClientId,
            request = JsonColumns.Write(request.Parameters.ToJson()),
            createdAt = JsonColumns.Timestamp(createdAt),
            expiresAt = JsonColumns.Timestamp(expiresAt),
        }, writes.Transaction);
    }

    /// <summary>The type of the entry written with a link's consumption, before its login runs.</summary>
    public const string ConsumedType = "impersonation_link_consumed";

    private readonly AuditLog _audit = new(database);

    /// <summary>
    /// Marks the link used and returns it; null when it is unknown, expired or already used. The consumption and its
    /// audit entry (<see cref="ConsumedType"/>, from <paramref name="ip"/> and <paramref name="userAgent"/>) commit
    /// together: if the process dies before the login's own records are written, the spent link is still on record.
    /// </summary>
    public RedeemedLink? Consume(string secret, DateTimeOffset now, string? ip = null, string? userAgent = null)
    {
        var tokenHash = Secrets.Hash(secret);
        RedeemedLink? redeemed = null;
        database.Write(writes =>
        {
            var row = writes.Connection.QuerySingleOrDefault<(string UserId, string ImpersonatorId, string ClientId, string Request, string CreatedAt)?>("""
                UPDATE impersonation_links SET consumed_at = @now
                WHERE token_hash = @tokenHash AND consumed_at IS NULL AND expires_at > @now
                RETURNING user_id, impersonator_id, client_id, request, created_at
                """, new { tokenHash, now = JsonColumns.Timestamp(now) }, writes.Transaction);
            if (row is not { } found)
            {
                return;
            }
            redeemed = new RedeemedLink(LinkId(tokenHash), found.UserId, found.ImpersonatorId, found.ClientId,
                ImpersonationParameters.FromJson(found.Request), JsonColumns.ReadTimestamp(found.CreatedAt));
            _audit.Write(writes, new AuditEntry
            {
                Date = now,
                Type = ConsumedType,
                Description = "Impersonation link used; the login is being completed",
                ClientId = found.ClientId,
                UserId = found.UserId,
                ImpersonatorId = found.ImpersonatorId,
                Ip = ip,
                UserAgent = userAgent,
                Details = new System.Text.Json.Nodes.JsonObject { ["link_id"] = redeemed.LinkId },
            });
        });
        return redeemed;
    }

    /// <summary>After <see cref="Consume"/> refused <paramref name="secret"/>: why (a read only; nothing is changed).</summary>
    public UnredeemableLink WhyNotRedeemable(string secret, DateTimeOffset now)
    {
        var tokenHash = Secrets.Hash(secret);
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<(string UserId, string ImpersonatorId, string ClientId, string ExpiresAt, string? ConsumedAt)?>(
            "SELECT user_id, impersonator_id, client_id, expires_at, consumed_at FROM impersonation_links WHERE token_hash = @tokenHash", new { tokenHash });
        if (row is not { } found)
        {
            return new UnredeemableLink(UnredeemableLink.Unknown);
        }
        var expiresAt = JsonColumns.ReadTimestamp(found.ExpiresAt);
        return found.ConsumedAt is { } consumedAt
            ? new UnredeemableLink(UnredeemableLink.Used, LinkId(tokenHash), found.UserId, found.ImpersonatorId, found.ClientId, UsedAt: JsonColumns.ReadTimestamp(consumedAt))
            : new UnredeemableLink(expiresAt <= now ? UnredeemableLink.Expired : UnredeemableLink.Used, LinkId(tokenHash), found.UserId, found.ImpersonatorId, found.ClientId,
                ExpiredAt: expiresAt <= now ? expiresAt : null);
    }
}

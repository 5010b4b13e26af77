using System.Text.Json.Nodes;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>A signed statement that the chain held <see cref="Entries"/> entries, the last with hash <see cref="Head"/>.</summary>
public sealed record AuditCheckpoint(long Id, DateTimeOffset CreatedAt, long Entries, string Head, string KeyId, string Token);

/// <summary>
/// Checkpoints of the audit chain: the head (number of entries and last hash) signed, as a JWS (RS256), with the tenant's
/// current signing key, so that rewriting the chain up to a checkpoint means forging that signature. Made periodically
/// by <see cref="AuditCheckpointer"/> and on demand (<c>rules audit checkpoint</c>). Anyone with the JWKS verifies one.
/// </summary>
public sealed class AuditCheckpoints(Database database, SigningKeys keys, TimeProvider clock)
{
    public const string TokenType = "rules-audit-checkpoint";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// Signs the current head and stores the checkpoint; with <paramref name="onlyIfMoved"/>, does nothing (returns null)
    /// when the newest checkpoint already signs this head. The head is locked while it is read and signed.
    /// </summary>
    public AuditCheckpoint? Create(bool onlyIfMoved = false) => database.InTransaction((connection, transaction) =>
    {
        var (entries, head) = connection.QuerySingle<(long Entries, string Head)>(
            "SELECT entries, head FROM audit_chain WHERE id = 1" + database.Sql.ForUpdate, transaction: transaction);
        if (onlyIfMoved && connection.ExecuteScalar<long?>("SELECT MAX(entries) FROM audit_checkpoints", transaction: transaction) == entries)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var key = keys.Current;
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["typ"] = TokenType,
                ["entries"] = entries,
                ["head"] = head,
                ["iat"] = now.ToUnixTimeSeconds(),
            },
            SigningCredentials = key.Credentials,
        });
        var id = connection.ExecuteScalar<long>("""
            INSERT INTO audit_checkpoints(created_at, entries, head, kid, token) VALUES (@createdAt, @entries, @head, @kid, @token) RETURNING id
            """, new { createdAt = JsonColumns.Timestamp(now), entries, head, kid = key.Current.KeyId, token }, transaction);
        return new AuditCheckpoint(id, now, entries, head, key.Current.KeyId, token);
    });

    /// <summary>Every checkpoint, oldest first, as stored (not yet verified).</summary>
    public static IReadOnlyList<AuditCheckpoint> List(Database database, DateTimeOffset? since = null)
    {
        using var connection = database.Open();
        return connection.Query<(long Id, string CreatedAt, long Entries, string Head, string Kid, string Token)>(
                "SELECT id, created_at, entries, head, kid, token FROM audit_checkpoints WHERE (@since IS NULL OR created_at >= @since) ORDER BY id",
                new { since = since is { } s ? JsonColumns.Timestamp(s) : null })
            .Select(r => new AuditCheckpoint(r.Id, JsonColumns.ReadTimestamp(r.CreatedAt), r.Entries, r.Head, r.Kid, r.Token))
            .ToList();
    }

    /// <summary>
    /// Checks the checkpoint's signature against the store's keys and that its columns say what was signed; returns
    /// the signed (entries, head), or why it cannot be trusted.
    /// </summary>
    public static (long Entries, string Head)? Verify(AuditCheckpoint checkpoint, IReadOnlyDictionary<string, RsaSecurityKey> keys, out string? problem)
    {
        var result = Handler.ValidateTokenAsync(checkpoint.Token, new TokenValidationParameters
        {
            IssuerSigningKeys = keys.Values,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = false,
            ValidateLifetime = false,
            ValidateIssuer = false,
            ValidateAudience = false,
        }).GetAwaiter().GetResult();
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            problem = $"checkpoint #{checkpoint.Id} ({JsonColumns.Timestamp(checkpoint.CreatedAt)}): its signature does not verify with any of the store's signing keys (rewritten or forged)";
            return null;
        }
        if (!jwt.TryGetPayloadValue<string>("typ", out var type) || type != TokenType
            || !jwt.TryGetPayloadValue<long>("entries", out var entries) || !jwt.TryGetPayloadValue<string>("head", out var head))
        {
            problem = $"checkpoint #{checkpoint.Id}: its signed token is not an audit checkpoint";
            return null;
        }
        if (entries != checkpoint.Entries || head != checkpoint.Head || jwt.Kid != checkpoint.KeyId)
        {
            problem = $"checkpoint #{checkpoint.Id}: its columns were rewritten (they say {checkpoint.Entries} entries, head {checkpoint.Head[..12]}…; it signed {entries}, {head[..Math.Min(12, head.Length)]}…)";
            return null;
        }
        problem = null;
        return (entries, head);
    }

    /// <summary>The checkpoint as one export line.</summary>
    public static JsonObject ToJson(AuditCheckpoint checkpoint) => new()
    {
        ["checkpoint"] = checkpoint.Id,
        ["created_at"] = JsonColumns.Timestamp(checkpoint.CreatedAt),
        ["entries"] = checkpoint.Entries,
        ["head"] = checkpoint.Head,
        ["kid"] = checkpoint.KeyId,
        ["token"] = checkpoint.Token,
    };
}

/// <summary>Signs the chain's head every <see cref="Hosting.RulesHostOptions.AuditCheckpointInterval"/> when it has moved.</summary>
public sealed class AuditCheckpointer(AuditCheckpoints checkpoints, Microsoft.Extensions.Options.IOptions<Hosting.RulesHostOptions> options, ILogger<AuditCheckpointer> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.AuditCheckpointInterval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.AuditCheckpointInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (checkpoints.Create(onlyIfMoved: true) is { } made)
                {
                    logger.LogInformation("Audit checkpoint #{Id}: {Entries} entries, head {Head}", made.Id, made.Entries, made.Head);
                }
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Could not write an audit checkpoint: {Message}", e.Message);
            }
        }
    }
}

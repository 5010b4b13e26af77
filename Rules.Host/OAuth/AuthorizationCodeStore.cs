using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.OAuth;

/// <summary>A code as it came back from redemption: who it was issued to, and the login behind it.</summary>
public sealed record RedeemedCode(string ClientId, string RedirectUri, AuthorizationGrant Grant);

/// <summary>
/// Authorization codes (RFC 6749 §4.1.2): random, stored only as a SHA-256 hash, valid for
/// <see cref="RulesHostOptions.CodeLifetime"/>, and redeemable once. Redemption is one UPDATE that marks the
/// row consumed only if it is still unconsumed and unexpired and returns it in the same statement, so of
/// any number of concurrent redemptions (here, or on another instance sharing the database) exactly one wins.
/// </summary>
public sealed class AuthorizationCodeStore(Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public string Issue(Writes writes, AuthorizationGrant grant)
    {
        var code = Secrets.NewSecret();
        var now = clock.GetUtcNow();
        writes.Connection.Execute("""
            INSERT INTO authorization_codes(code_hash, client_id, redirect_uri, "grant", created_at, expires_at)
            VALUES (@hash, @clientId, @redirectUri, @grant, @createdAt, @expiresAt)
            """, new
        {
            hash = Secrets.Hash(code),
            clientId = grant.ClientId,
            redirectUri = grant.RedirectUri,
            grant = JsonColumns.Write(grant.ToJson()),
            createdAt = JsonColumns.Timestamp(now),
            expiresAt = JsonColumns.Timestamp(now + options.Value.CodeLifetime),
        }, writes.Transaction);
        return code;
    }

    /// <summary>Burns the code and returns what it was issued for; null when it is unknown, expired or already used.</summary>
    public RedeemedCode? Redeem(string code)
    {
        // A write transaction of its own rather than a bare statement: on SQLite it then waits for its turn with this
        // process's other writers (Database.InTransaction) instead of sleeping in SQLite's busy handler.
        // Timestamps are fixed-width UTC ISO-8601 (JsonColumns.Timestamp), so text comparison is time order.
        var row = database.InTransaction((connection, transaction) => connection.QuerySingleOrDefault<(string ClientId, string RedirectUri, string Grant)?>("""
            UPDATE authorization_codes SET consumed_at = @now
            WHERE code_hash = @hash AND consumed_at IS NULL AND expires_at > @now
            RETURNING client_id, redirect_uri, "grant"
            """, new { hash = Secrets.Hash(code), now = JsonColumns.Timestamp(clock.GetUtcNow()) }, transaction));
        return row is { } found ? new RedeemedCode(found.ClientId, found.RedirectUri, AuthorizationGrant.FromJson(found.Grant)) : null;
    }
}

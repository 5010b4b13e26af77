using System.Text.Json.Nodes;
using Dapper;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.MultiFactor;

/// <summary>A login waiting for its second factor: who, for which application, and how they got this far.</summary>
public sealed record MultifactorChallenge(
    string UserId, string ClientId, string Connection, string? SessionHash, JsonArray Methods, long LoginsCount,
    DateTimeOffset AuthenticatedAt, bool AllowRemember, bool RememberRequested, bool Verified);

/// <summary>
/// <c>mfa_challenges</c>: the server-side half of a suspended login (the browser holds the other half, a random
/// secret in the <see cref="CookieName"/> cookie, stored here as SHA-256). A right code marks the row verified; the
/// login is then finished by exactly one request, with one <c>UPDATE … WHERE completed_at IS NULL … RETURNING</c>.
/// </summary>
public sealed class MultifactorChallengeStore(Database database, TimeProvider clock)
{
    public const string CookieName = "rules_mfa";

    private sealed record Row(string user_id, string client_id, string connection, string? session_hash, string methods, long logins_count,
        string authenticated_at, long allow_remember, long remember_requested, string? verified_at)
    {
        public MultifactorChallenge ToChallenge() => new(user_id, client_id, connection, session_hash, JsonNode.Parse(methods) as JsonArray ?? [],
            logins_count, JsonColumns.ReadTimestamp(authenticated_at), allow_remember != 0, remember_requested != 0, verified_at is not null);
    }

    private const string Columns = "user_id, client_id, connection, session_hash, methods, logins_count, authenticated_at, allow_remember, remember_requested, verified_at";

    public void Create(Writes writes, string secret, MultifactorChallenge challenge, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        writes.Connection.Execute("""
            INSERT INTO mfa_challenges(id_hash, user_id, client_id, connection, session_hash, methods, logins_count, authenticated_at, allow_remember, created_at, expires_at)
            VALUES (@hash, @UserId, @ClientId, @Connection, @SessionHash, @methods, @LoginsCount, @authenticatedAt, @allowRemember, @now, @expires)
            """, new
        {
            hash = Secrets.Hash(secret),
            challenge.UserId,
            challenge.ClientId,
            challenge.Connection,
            challenge.SessionHash,
            methods = JsonColumns.Write(challenge.Methods),
            challenge.LoginsCount,
            authenticatedAt = JsonColumns.Timestamp(challenge.AuthenticatedAt),
            allowRemember = challenge.AllowRemember ? 1 : 0,
            now = JsonColumns.Timestamp(now),
            expires = JsonColumns.Timestamp(now + lifetime),
        }, writes.Transaction);
    }

    /// <summary>The open (not expired, not finished) challenge the browser's cookie names, or null.</summary>
    public MultifactorChallenge? Find(HttpContext http)
    {
        if (SecretOf(http) is not { } secret)
        {
            return null;
        }
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Row>($"SELECT {Columns} FROM mfa_challenges WHERE id_hash = @hash AND completed_at IS NULL AND expires_at > @now",
            new { hash = Secrets.Hash(secret), now = JsonColumns.Timestamp(clock.GetUtcNow()) })?.ToChallenge();
    }

    /// <summary>A right code was given: the login may be finished (now, or after the recovery codes were shown).</summary>
    public void MarkVerified(HttpContext http, bool rememberRequested)
    {
        using var connection = database.Open();
        connection.Execute("UPDATE mfa_challenges SET verified_at = @now, remember_requested = @remember WHERE id_hash = @hash AND completed_at IS NULL",
            new { now = JsonColumns.Timestamp(clock.GetUtcNow()), remember = rememberRequested ? 1 : 0, hash = Secrets.Hash(SecretOf(http)!) });
    }

    /// <summary>Takes a verified challenge for finishing; of any number of concurrent requests exactly one gets it.</summary>
    public MultifactorChallenge? TakeVerified(HttpContext http)
    {
        if (SecretOf(http) is not { } secret)
        {
            return null;
        }
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Row>($"""
            UPDATE mfa_challenges SET completed_at = @now
            WHERE id_hash = @hash AND verified_at IS NOT NULL AND completed_at IS NULL AND expires_at > @now
            RETURNING {Columns}
            """, new { hash = Secrets.Hash(secret), now = JsonColumns.Timestamp(clock.GetUtcNow()) })?.ToChallenge();
    }

    private static string? SecretOf(HttpContext http) => Secrets.FromCookie(http, CookieName);

    /// <summary>HttpOnly, SameSite=Strict (only our own pages send it), scoped to the challenge pages.</summary>
    public static CookieOptions CookieOptions(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = "/login/mfa",
        MaxAge = maxAge,
        IsEssential = true,
    };
}

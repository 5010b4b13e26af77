using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Login;

/// <summary>A live single sign-on session: who signed in, how, when, and into which applications since.</summary>
public sealed record SsoSession(string Secret, string UserId, string Connection, JsonArray Methods, IReadOnlyList<string> Clients, DateTimeOffset AuthenticatedAt)
{
    /// <summary>The id rules see as <c>context.sessionID</c> and tokens carry as <c>sid</c>: derived from the secret, never the secret.</summary>
    public string Id => SessionStore.PublicId(Secret);
}

/// <summary>
/// SSO sessions in the database, so every instance sharing it sees the same sessions and a logout ends one
/// everywhere. The cookie holds a random secret; only its SHA-256 is stored. A session ends at logout, after
/// <see cref="LoginOptions.SessionIdleTimeout"/> without use, or <see cref="LoginOptions.SessionLifetime"/> after
/// the password was typed.
/// </summary>
public sealed class SessionStore(Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public const string CookieName = "rules_session";

    public static string PublicId(string secret) => "ses_" + Secrets.Hash(secret)[..32];

    public SsoSession? Find(HttpContext http)
    {
        if (Secrets.FromCookie(http, CookieName) is not { } secret)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<(string UserId, string Connection, string Methods, string Clients, string AuthenticatedAt)?>("""
            SELECT user_id, connection, methods, clients, authenticated_at FROM sessions
            WHERE id_hash = @hash AND ended_at IS NULL AND expires_at > @now AND last_used_at > @idleSince
            """, new { hash = Secrets.Hash(secret), now = JsonColumns.Timestamp(now), idleSince = JsonColumns.Timestamp(now - options.Value.Login.SessionIdleTimeout) });
        return row is { } found
            ? new SsoSession(secret, found.UserId, found.Connection, JsonNode.Parse(found.Methods) as JsonArray ?? [],
                JsonColumns.ReadList(found.Clients), JsonColumns.ReadTimestamp(found.AuthenticatedAt))
            : null;
    }

    /// <summary>Starts a session for a login that was allowed, and sets its cookie on the response.</summary>
    public void Start(Writes writes, HttpContext http, string secret, string userId, string connectionName, JsonArray methods, string clientId)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.Login.SessionLifetime;
        writes.Connection.Execute("""
            INSERT INTO sessions(id_hash, user_id, connection, methods, clients, authenticated_at, last_used_at, expires_at)
            VALUES (@hash, @userId, @connectionName, @methods, @clients, @now, @now, @expires)
            """, new
        {
            hash = Secrets.Hash(secret),
            userId,
            connectionName,
            methods = JsonColumns.Write(methods),
            clients = JsonColumns.WriteList([clientId]),
            now = JsonColumns.Timestamp(now),
            expires = JsonColumns.Timestamp(expires),
        }, writes.Transaction);
        http.Response.Cookies.Append(CookieName, secret, CookieOptions(http, options.Value.Login.SessionLifetime));
    }

    /// <summary>Records a use of the session by <paramref name="clientId"/>, which keeps it from going idle.</summary>
    /// <param name="methods">The session's methods from now on (a second factor proved during an SSO login); null keeps them.</param>
    public void Touch(Writes writes, SsoSession session, string clientId, JsonArray? methods = null)
    {
        var clients = session.Clients.Contains(clientId, StringComparer.Ordinal) ? session.Clients : [.. session.Clients, clientId];
        writes.Connection.Execute("UPDATE sessions SET last_used_at = @now, clients = @clients, methods = COALESCE(@methods, methods) WHERE id_hash = @hash", new
        {
            now = JsonColumns.Timestamp(clock.GetUtcNow()),
            clients = JsonColumns.WriteList(clients),
            methods = methods is null ? null : JsonColumns.Write(methods),
            hash = Secrets.Hash(session.Secret),
        }, writes.Transaction);
    }

    /// <summary>Ends the session in the database (so a copied cookie is worthless) and removes the cookie.</summary>
    public void End(HttpContext http, SsoSession session)
    {
        using (var connection = database.Open())
        {
            connection.Execute("UPDATE sessions SET ended_at = @now WHERE id_hash = @hash AND ended_at IS NULL",
                new { now = JsonColumns.Timestamp(clock.GetUtcNow()), hash = Secrets.Hash(session.Secret) });
        }
        http.Response.Cookies.Delete(CookieName, CookieOptions(http, null));
    }

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Lax (sent when an application sends the browser to /authorize, never
    /// on a cross-site POST), Secure whenever the server is reached over HTTPS. Max-Age rather than Expires, so a
    /// browser whose clock differs from the server's keeps it for the same time; the database decides validity anyway.
    /// </summary>
    private static CookieOptions CookieOptions(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        Secure = http.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}

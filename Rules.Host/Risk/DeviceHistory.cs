using System.Security.Cryptography;
using System.Text;
using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Risk;

/// <summary>
/// The devices each user signed in from: a random id in a long-lived cookie (<see cref="CookieName"/>), kept as its
/// SHA-256 with the user agent it came with. Read by NewDevice before the rules run; written when a login of the
/// user's own is allowed.
/// </summary>
public sealed class DeviceHistory(Database database)
{
    public const string CookieName = "rules_device";
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromDays(400); // the longest browsers keep a cookie

    /// <summary>What the history says about this device and user agent: (any history at all, device known, user agent known).</summary>
    public (bool HasHistory, bool DeviceKnown, bool UserAgentKnown) Check(string userId, string? deviceId, string userAgent)
    {
        var deviceHash = deviceId is null ? null : Hash(deviceId);
        using var connection = database.Open();
        var rows = connection.Query<(string DeviceHash, string UserAgent)>(
            "SELECT device_hash, user_agent FROM user_devices WHERE user_id = @userId", new { userId }).ToArray();
        return (rows.Length > 0, deviceHash is not null && rows.Any(r => r.DeviceHash == deviceHash), rows.Any(r => r.UserAgent == userAgent));
    }

    /// <summary>The browser's device id, or a new one set on the response (to be remembered if the login is allowed).</summary>
    public static string DeviceId(HttpContext http)
    {
        if (http.Items[CookieName] is string known)
        {
            return known;
        }
        var id = http.Request.Cookies[CookieName] is { Length: 43 } cookie ? cookie : null;
        if (id is null)
        {
            id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            http.Response.Cookies.Append(CookieName, id, new CookieOptions
            {
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
                Path = "/",
                MaxAge = CookieLifetime,
                IsEssential = true,
            });
        }
        http.Items[CookieName] = id;
        return id;
    }

    /// <summary>The browser's device id as it came in, without setting one.</summary>
    public static string? IncomingDeviceId(HttpContext http) => http.Request.Cookies[CookieName] is { Length: 43 } cookie ? cookie : null;

    /// <summary>Remembers the device for the user, in the transaction that records the allowed login.</summary>
    public void Remember(Writes writes, string userId, string deviceId, string userAgent, DateTimeOffset now)
    {
        var (connection, transaction) = writes;
        connection.Execute("""
            INSERT INTO user_devices(user_id, device_hash, user_agent, first_seen, last_seen) VALUES (@userId, @deviceHash, @userAgent, @now, @now)
            ON CONFLICT (user_id, device_hash, user_agent) DO UPDATE SET last_seen = excluded.last_seen
            """, new { userId, deviceHash = Hash(deviceId), userAgent, now = JsonColumns.Timestamp(now) }, transaction);
    }

    private static string Hash(string deviceId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deviceId)));
}

using System.Net;
using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.Login;

/// <summary>
/// Password spraying defence, as Auth0's suspicious IP throttling: once <see cref="LoginOptions.SuspiciousIpAccounts"/>
/// different accounts have failed a password from one IP address within <see cref="LoginOptions.SuspiciousIpWindow"/>,
/// every password attempt from that address is refused (audited as <c>limit_mu</c>) until the window moves on. The
/// per-account limit (<see cref="LoginAttemptLimiter"/>) cannot see an attacker who tries one password on many accounts.
/// A success does not clear the count: an attacker who owns one account could otherwise reset it. The audit trail is the
/// count's source, so it holds across restarts and across every instance on the same store. Addresses in
/// <see cref="LoginOptions.SuspiciousIpAllowlist"/> (a NAT'd office, a test runner) are never throttled.
/// </summary>
public sealed class SuspiciousIpThrottle
{
    public const string ThrottledType = "limit_mu";

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly LoginOptions _options;
    private readonly IReadOnlyList<IPNetwork> _allowlist;

    public SuspiciousIpThrottle(Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
    {
        _database = database;
        _clock = clock;
        _options = options.Value.Login;
        if (_options.SuspiciousIpAccounts <= 0)
        {
            throw new SettingsException(
                $"Rules:Login:SuspiciousIpAccounts must be positive (it is {_options.SuspiciousIpAccounts}); to switch IP throttling off set Rules:Login:SuspiciousIpThrottling=false.");
        }
        if (_options.SuspiciousIpWindow <= TimeSpan.Zero)
        {
            throw new SettingsException($"Rules:Login:SuspiciousIpWindow must be positive (it is {_options.SuspiciousIpWindow}).");
        }
        _allowlist = _options.SuspiciousIpAllowlist.Select(Parse).ToList();
    }

    /// <summary>True when attempts from <paramref name="ip"/> are refused now; an attempt without an address is never throttled here.</summary>
    public bool IsThrottled(string? ip)
    {
        if (!_options.SuspiciousIpThrottling || ip is null || !IPAddress.TryParse(ip, out var address) || _allowlist.Any(n => n.Contains(address)))
        {
            return false;
        }

        using var connection = _database.Open();
        var accounts = connection.ExecuteScalar<long>("""
            SELECT COUNT(DISTINCT user_name) FROM audit_log
            WHERE ip = @ip AND type IN (@WrongPasswordType, @UnknownUserType) AND date > @since
            """, new
        {
            ip,
            LoginAttemptLimiter.WrongPasswordType,
            LoginAttemptLimiter.UnknownUserType,
            since = JsonColumns.Timestamp(_clock.GetUtcNow() - _options.SuspiciousIpWindow),
        });
        return accounts >= _options.SuspiciousIpAccounts;
    }

    private static IPNetwork Parse(string entry)
    {
        var text = entry.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }
        if (IPAddress.TryParse(text, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        throw new SettingsException($"Rules:Login:SuspiciousIpAllowlist: '{entry}' is neither an IP address nor a CIDR range (203.0.113.0/24).");
    }
}

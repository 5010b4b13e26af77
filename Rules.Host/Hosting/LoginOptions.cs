namespace Rules.Host.Hosting;

/// <summary>The hosted login page's settings, bound from Rules:Login (Rules__Login__MaxFailedAttempts=5, ...).</summary>
public sealed class LoginOptions
{
    /// <summary>Failed password attempts for one account from one IP address before that pair is refused (Auth0's default: 10).</summary>
    public int MaxFailedAttempts { get; set; } = 10;

    /// <summary>How far back failed attempts count; a successful login from the same IP starts the count again.</summary>
    public TimeSpan FailedAttemptWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Throttle an IP address from which many accounts fail (password spraying); see Login/SuspiciousIpThrottle.</summary>
    public bool SuspiciousIpThrottling { get; set; } = true;

    /// <summary>Different accounts failing a password from one IP address within the window before the address is throttled.</summary>
    public int SuspiciousIpAccounts { get; set; } = 20;

    /// <summary>How far back failed accounts count for IP throttling; successes do not clear it.</summary>
    public TimeSpan SuspiciousIpWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Addresses or CIDR ranges never throttled as suspicious IPs (Rules__Login__SuspiciousIpAllowlist__0=10.0.0.0/8).</summary>
    public List<string> SuspiciousIpAllowlist { get; set; } = [];

    /// <summary>An SSO session unused for this long ends (Auth0's default inactivity timeout: 3 days).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An SSO session ends this long after the password was typed, used or not (Auth0's default: 30 days).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    public MultifactorOptions Multifactor { get; set; } = new();
}

namespace Rules.Host.Dashboard;

/// <summary>The Dashboard's settings, bound from Rules:Dashboard (Rules__Dashboard__Operators__0=alice@example.com).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Rules:Dashboard";

    /// <summary>
    /// Operators added by configuration (user_id or email), on top of the seed's <c>tenant.dashboard.operators</c>:
    /// the way to name an operator on a database that was seeded before the list existed.
    /// </summary>
    public List<string> Operators { get; set; } = [];

    /// <summary>How long an operator's session lasts without use (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
}

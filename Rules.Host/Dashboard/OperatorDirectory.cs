using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Storage;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// Who may sign in to the Dashboard: a user of a database connection, not blocked, named (by user_id or email) in the
/// seed's <c>tenant.dashboard.operators</c> or in Rules:Dashboard:Operators. The list is explicit rather than an
/// app_metadata role, because app_metadata can be written by rules and by any holder of update:users.
/// </summary>
public sealed class OperatorDirectory(Database database, TenantStore store, IOptions<DashboardOptions> options)
{
    public const string SettingsKey = "dashboard_operators";

    public IReadOnlyList<string> Operators()
    {
        using var connection = database.Open();
        var seeded = JsonColumns.ReadList(connection.QuerySingleOrDefault<string>("SELECT value FROM tenant_settings WHERE key = @SettingsKey", new { SettingsKey }));
        return [.. seeded, .. options.Value.Operators];
    }

    public bool IsOperator(TenantUser user) =>
        !user.Blocked && Operators().Any(o => string.Equals(o, user.UserId, StringComparison.Ordinal)
            || (user.Email is not null && string.Equals(o, user.Email, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// The database connection whose user has this email, or the first database connection when none has (the password
    /// check then spends a decoy verification, so an unknown email takes as long as a wrong password).
    /// </summary>
    public Connection? ConnectionFor(string email)
    {
        var databases = store.ListConnections().Where(c => c.IsDatabase).ToArray();
        return databases.FirstOrDefault(c => store.FindUserByEmail(email, c.Name) is not null) ?? databases.FirstOrDefault();
    }
}

using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.Login;

/// <summary>
/// Brute-force protection, as Auth0 applies it: after <see cref="LoginOptions.MaxFailedAttempts"/> failed passwords
/// for one account from one IP address within <see cref="LoginOptions.FailedAttemptWindow"/>, that pair is refused
/// until the window moves on; a successful login (or Dashboard sign-in) from that IP clears the count. The audit trail is the count's source
/// (fp and fu entries), so it survives restarts and is shared by every instance on the same database.
/// </summary>
public sealed class LoginAttemptLimiter(Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public const string WrongPasswordType = "fp";
    public const string UnknownUserType = "fu";
    public const string BlockedType = "limit_wc";

    /// <summary>A successful Dashboard sign-in: like a successful login, it clears the account's count from that IP.</summary>
    public const string OperatorSignInType = "dashboard_login";

    /// <summary>Failed attempts are recorded under the email as typed, trimmed and lower-cased: one account, one count.</summary>
    public static string AccountKey(string email) => email.Trim().ToLowerInvariant();

    public bool IsLimited(string email, string? ip)
    {
        var login = options.Value.Login;
        using var connection = database.Open();
        var failures = connection.ExecuteScalar<long>("""
            SELECT COUNT(*) FROM audit_log
            WHERE user_name = @account AND ip IS NOT DISTINCT FROM @ip AND type IN (@WrongPasswordType, @UnknownUserType) AND date > @since
              AND date > COALESCE((SELECT MAX(date) FROM audit_log WHERE user_name = @account AND ip IS NOT DISTINCT FROM @ip AND type IN ('s', @OperatorSignInType)), '')
            """, new
        {
            account = AccountKey(email),
            ip,
            WrongPasswordType,
            UnknownUserType,
            OperatorSignInType,
            since = JsonColumns.Timestamp(clock.GetUtcNow() - login.FailedAttemptWindow),
        });
        return failures >= login.MaxFailedAttempts;
    }
}

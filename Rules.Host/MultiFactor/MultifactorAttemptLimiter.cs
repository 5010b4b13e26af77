using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.MultiFactor;

/// <summary>
/// Brute-force protection for codes, per user (from any IP: six digits are guessable from many addresses): after
/// <see cref="MultifactorOptions.MaxFailedCodes"/> wrong codes within <see cref="MultifactorOptions.FailedCodeWindow"/>
/// every code, right or wrong, is refused until the window moves on. Counted from the audit trail (indexed), so it
/// survives restarts and holds across instances; a right code starts the count again.
/// </summary>
public sealed class MultifactorAttemptLimiter(Database database, TimeProvider clock, IOptions<RulesHostOptions> options)
{
    public const string FailedCodeType = "gd_auth_failed";
    public const string FailedRecoveryType = "gd_recovery_failed";
    public const string SucceededType = "gd_auth_succeed";
    public const string RecoverySucceededType = "gd_recovery_succeed";
    public const string EnrolledType = "gd_enrollment_complete";
    public const string LimitedType = "gd_too_many_failures";

    public bool IsLimited(string userId)
    {
        var settings = options.Value.Login.Multifactor;
        using var connection = database.Open();
        var failures = connection.ExecuteScalar<long>("""
            SELECT COUNT(*) FROM audit_log
            WHERE user_id = @userId AND type IN (@FailedCodeType, @FailedRecoveryType) AND date > @since
              AND seq > COALESCE((SELECT MAX(seq) FROM audit_log WHERE user_id = @userId AND type IN (@SucceededType, @RecoverySucceededType, @EnrolledType)), 0)
            """, new
        {
            userId,
            FailedCodeType,
            FailedRecoveryType,
            SucceededType,
            RecoverySucceededType,
            EnrolledType,
            since = JsonColumns.Timestamp(clock.GetUtcNow() - settings.FailedCodeWindow),
        });
        return failures >= settings.MaxFailedCodes;
    }
}

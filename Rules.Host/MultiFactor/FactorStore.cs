using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.MultiFactor;

/// <summary>A user's TOTP factor as the API and Dashboard show it: never the secret.</summary>
public sealed record Enrollment(string Id, string UserId, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt, long LastUsedStep)
{
    public bool Confirmed => ConfirmedAt is not null;
}

/// <summary>What a submitted code turned out to be.</summary>
public enum CodeCheck
{
    Accepted,
    Wrong,

    /// <summary>Right code, but its time step (or a later one) was already used: a replay within the code's window.</summary>
    Replayed,
}

/// <summary>
/// The factor tables (<c>mfa_enrollments</c>, <c>mfa_recovery_codes</c>). TOTP secrets are encrypted with ASP.NET Core
/// Data Protection (the key ring the login page's CSRF tokens use, shared through the store) and decrypted only to
/// check a code or show the enrolment QR once more before confirmation; recovery codes are stored as SHA-256.
/// Acceptance is one conditional UPDATE, so a code or recovery code works once even across instances.
/// </summary>
public sealed class FactorStore(Database database, IDataProtectionProvider protection, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    private const string RecoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly IDataProtector _secrets = protection.CreateProtector("Rules.Host.MultiFactor.TotpSecret.v1");

    private sealed record Row(string id, string user_id, string secret, string created_at, string? confirmed_at, long last_used_step)
    {
        public Enrollment ToEnrollment() => new(id, user_id, JsonColumns.ReadTimestamp(created_at),
            confirmed_at is null ? null : JsonColumns.ReadTimestamp(confirmed_at), last_used_step);
    }

    public Enrollment? Find(string userId)
    {
        using var connection = database.Open();
        return FindRow(connection, userId)?.ToEnrollment();
    }

    private static Row? FindRow(System.Data.IDbConnection connection, string userId) =>
        connection.QuerySingleOrDefault<Row>("SELECT id, user_id, secret, created_at, confirmed_at, last_used_step FROM mfa_enrollments WHERE user_id = @userId", new { userId });

    /// <summary>
    /// The unconfirmed factor to show on the enrolment page, created on first call; the same one on a reload, so a QR
    /// code already scanned stays valid. Null when the user already has a confirmed factor (no second enrolment).
    /// </summary>
    public (Enrollment Enrollment, string Secret)? StartEnrollment(string userId)
    {
        using var connection = database.Open();
        var now = JsonColumns.Timestamp(clock.GetUtcNow());
        connection.Execute("""
            INSERT INTO mfa_enrollments(id, user_id, secret, created_at) VALUES (@id, @userId, @secret, @now)
            ON CONFLICT (user_id) DO NOTHING
            """, new { id = "totp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), userId, secret = _secrets.Protect(Totp.NewSecret()), now });
        var row = FindRow(connection, userId)!;
        return row.confirmed_at is null ? (row.ToEnrollment(), _secrets.Unprotect(row.secret)) : null;
    }

    /// <summary>
    /// Checks a TOTP code against the user's factor. A right code is accepted once: its time step must be newer than
    /// the last accepted one, checked and recorded in one UPDATE. The first accepted code confirms an enrolment.
    /// </summary>
    public CodeCheck CheckCode(string userId, string code)
    {
        using var connection = database.Open();
        if (FindRow(connection, userId) is not { } row)
        {
            return CodeCheck.Wrong;
        }
        var now = clock.GetUtcNow();
        if (Totp.Verify(_secrets.Unprotect(row.secret), code, now) is not { } step)
        {
            return CodeCheck.Wrong;
        }
        var accepted = connection.Execute("""
            UPDATE mfa_enrollments SET last_used_step = @step, confirmed_at = COALESCE(confirmed_at, @now)
            WHERE id = @id AND last_used_step < @step
            """, new { step, now = JsonColumns.Timestamp(now), id = row.id });
        return accepted == 1 ? CodeCheck.Accepted : CodeCheck.Replayed;
    }

    /// <summary>Spends one recovery code of a user with a confirmed factor; false when unknown or already used.</summary>
    public bool UseRecoveryCode(string userId, string code)
    {
        var normalized = NormalizeRecoveryCode(code);
        if (normalized.Length == 0)
        {
            return false;
        }
        using var connection = database.Open();
        return connection.Execute("""
            UPDATE mfa_recovery_codes SET used_at = @now
            WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL
              AND EXISTS (SELECT 1 FROM mfa_enrollments WHERE user_id = @userId AND confirmed_at IS NOT NULL)
            """, new { now = JsonColumns.Timestamp(clock.GetUtcNow()), userId, hash = Secrets.Hash(normalized) }) == 1;
    }

    /// <summary>Replaces the user's recovery codes with <see cref="RecoveryCodeCount"/> new ones, returned once in plain text.</summary>
    public IReadOnlyList<string> NewRecoveryCodes(string userId)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToArray();
        var now = JsonColumns.Timestamp(clock.GetUtcNow());
        database.Write(writes =>
        {
            writes.Connection.Execute("DELETE FROM mfa_recovery_codes WHERE user_id = @userId", new { userId }, writes.Transaction);
            foreach (var code in codes)
            {
                writes.Connection.Execute("INSERT INTO mfa_recovery_codes(user_id, code_hash, created_at) VALUES (@userId, @hash, @now)",
                    new { userId, hash = Secrets.Hash(NormalizeRecoveryCode(code)), now }, writes.Transaction);
            }
        });
        return codes;
    }

    public int RemainingRecoveryCodes(string userId)
    {
        using var connection = database.Open();
        return (int)connection.ExecuteScalar<long>("SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = @userId AND used_at IS NULL", new { userId });
    }

    /// <summary>Removes the factor and its recovery codes; the next challenge enrols again. False when there was none.</summary>
    public bool Reset(Writes writes, string userId)
    {
        var removed = writes.Connection.Execute("DELETE FROM mfa_enrollments WHERE user_id = @userId", new { userId }, writes.Transaction);
        writes.Connection.Execute("DELETE FROM mfa_recovery_codes WHERE user_id = @userId", new { userId }, writes.Transaction);
        return removed > 0;
    }

    /// <summary>12 characters from an alphabet without look-alikes (60 bits), shown as XXXX-XXXX-XXXX.</summary>
    private static string NewRecoveryCode()
    {
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = RecoveryAlphabet[RandomNumberGenerator.GetInt32(RecoveryAlphabet.Length)];
        }
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    /// <summary>Case, spaces and dashes do not matter when the user types a recovery code back.</summary>
    public static string NormalizeRecoveryCode(string code)
    {
        var normalized = new string(code.Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        return normalized.Length == 12 && normalized.All(c => RecoveryAlphabet.Contains(c)) ? normalized : "";
    }
}

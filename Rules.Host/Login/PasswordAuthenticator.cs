using Microsoft.AspNetCore.Identity;
using Rules.Host.Audit;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

public enum PasswordCheck
{
    Valid,
    UnknownUser,
    WrongPassword,
    Blocked,

    /// <summary>Too many failed attempts for the account from this IP: the password was not checked.</summary>
    Limited,

    /// <summary>Too many accounts failed from this IP (password spraying): the password was not checked.</summary>
    IpThrottled,
}

/// <summary>
/// Checks an email and password against a database connection, for every page that takes a password (the login page,
/// the Dashboard). An attempt is refused while <see cref="SuspiciousIpThrottle"/> holds the IP address or
/// <see cref="LoginAttemptLimiter"/> holds the account from this IP, and each
/// failure is audited under the account key, as the types the limiter counts: the counting and the writing live here
/// together. An unknown email costs one hash verification, as a wrong password does. A hash in an older format is
/// upgraded on success.
/// </summary>
public sealed class PasswordAuthenticator(TenantStore store, LoginAttemptLimiter limiter, SuspiciousIpThrottle throttle, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// One attempt. <paramref name="describe"/> adds what the caller knows to each failure's audit entry (the
    /// application, the surface); the entry it receives already has the type, account key, IP and user agent.
    /// </summary>
    public (PasswordCheck Result, TenantUser? User) Attempt(HttpContext http, Connection connection, string email, string password, Func<AuditEntry, AuditEntry> describe)
    {
        var ip = AuditEntry.IpOf(http);
        void Record(string type, string description, string? userId) => audit.Write(describe(AuditEntry.For(http, clock.GetUtcNow(), type, description) with
        {
            UserId = userId,
            UserName = LoginAttemptLimiter.AccountKey(email),
        }));

        if (throttle.IsThrottled(ip))
        {
            Record(SuspiciousIpThrottle.ThrottledType, "Too many accounts failed to sign in from this IP address", null);
            return (PasswordCheck.IpThrottled, null);
        }
        if (limiter.IsLimited(email, ip))
        {
            Record(LoginAttemptLimiter.BlockedType, "Too many failed login attempts for this account from this IP address", null);
            return (PasswordCheck.Limited, null);
        }
        var (check, user) = Check(connection, email, password);
        switch (check)
        {
            case PasswordCheck.UnknownUser:
                Record(LoginAttemptLimiter.UnknownUserType, "Wrong email or password", null);
                break;
            case PasswordCheck.WrongPassword:
                Record(LoginAttemptLimiter.WrongPasswordType, "Wrong email or password", user!.UserId);
                break;
        }
        return (check, user);
    }

    private (PasswordCheck Result, TenantUser? User) Check(Connection connection, string email, string password)
    {
        var user = store.FindUserByEmail(email, connection.Name);
        if (user?.PasswordHash is not { } hash)
        {
            Passwords.VerifyDecoy(password);
            return (PasswordCheck.UnknownUser, null);
        }

        var verification = Passwords.Verify(user.UserId, hash, password);
        if (verification == PasswordVerificationResult.Failed)
        {
            return (PasswordCheck.WrongPassword, user);
        }
        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            store.ChangeUser(user.UserId, current => current with { PasswordHash = Passwords.Hash(current.UserId, password) });
        }
        // Blocked is told only to someone who knows the password, so it reveals nothing to a guesser.
        return (user.Blocked ? PasswordCheck.Blocked : PasswordCheck.Valid, user);
    }
}

using Microsoft.AspNetCore.Identity;
using Rules.Host.Tenant;

namespace Rules.Host.Login;

public enum PasswordCheck
{
    Valid,
    UnknownUser,
    WrongPassword,
    Blocked,
}

/// <summary>
/// Checks an email and password against a database connection. An unknown email costs one hash verification, as a
/// wrong password does, and both get the same message on the page. A hash in an older format is upgraded on success.
/// </summary>
public sealed class PasswordAuthenticator(TenantStore store)
{
    public (PasswordCheck Result, TenantUser? User) Check(Connection connection, string email, string password)
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

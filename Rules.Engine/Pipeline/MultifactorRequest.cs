namespace Rules.Engine.Pipeline;

/// <summary>
/// A rule's <c>context.multifactor</c>, or an action's <c>api.multifactor.enable</c>: the host must challenge the user
/// with a second factor before it issues anything. <see cref="Provider"/> is the name the rule gave; every name in
/// <see cref="MultifactorProviders.Challengeable"/> is answered with the host's TOTP factor.
/// </summary>
public sealed record MultifactorRequest(string Provider, bool AllowRememberBrowser);

/// <summary>Which of Auth0's provider names this host can honour, and how.</summary>
internal static class MultifactorProviders
{
    /// <summary>
    /// Names Auth0 documents as "an authenticator app code will do": <c>any</c> (whatever the user enrolled),
    /// <c>google-authenticator</c> (TOTP), <c>guardian</c> (Guardian also accepts its one-time code). All become a TOTP challenge.
    /// </summary>
    public static readonly IReadOnlyList<string> Challengeable = ["any", "google-authenticator", "guardian"];

    /// <summary>Auth0's explicit "no second factor for this login" (it overrides a tenant-wide policy; there is none here).</summary>
    public const string None = "none";

    public static bool IsChallengeable(string provider)
    {
        foreach (var name in Challengeable)
        {
            if (string.Equals(name, provider, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}

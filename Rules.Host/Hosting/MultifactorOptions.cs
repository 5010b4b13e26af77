namespace Rules.Host.Hosting;

/// <summary>Second-factor settings, bound from Rules:Login:Multifactor (Rules__Login__Multifactor__MaxFailedCodes=3, ...).</summary>
public sealed class MultifactorOptions
{
    /// <summary>Wrong codes (TOTP or recovery) for one user within <see cref="FailedCodeWindow"/> before codes are refused for that user.</summary>
    public int MaxFailedCodes { get; set; } = 5;

    /// <summary>How far back wrong codes count; a right code starts the count again.</summary>
    public TimeSpan FailedCodeWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a suspended login waits for its second factor (enrolment included).</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a remembered browser skips the challenge when the rules allow it (Auth0: 30 days).</summary>
    public TimeSpan RememberBrowserLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Tenant setting: an impersonator must prove a second factor before a "Sign in as User" link is made.</summary>
    public bool RequireForImpersonators { get; set; }
}

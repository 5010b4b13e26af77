namespace Rules.Engine.Replay;

/// <summary>What happened to one record's decision, from the baseline (recorded or --against) to the candidate.</summary>
public enum ReplayClass
{
    /// <summary>The same decision, claims, metadata and redirect.</summary>
    Unchanged,
    /// <summary>Allowed before, denied now: users who got in would be locked out.</summary>
    AllowToDeny,
    /// <summary>Denied before, allowed now: logins that were refused would get in.</summary>
    DenyToAllow,
    /// <summary>Still denied, but by another rule, with another error or reason.</summary>
    DenyChanged,
    /// <summary>
    /// Still allowed, but a second factor is now asked for, no longer asked for, or asked for differently (provider,
    /// remember-browser). A decision change: it decides whether the user gets in without their second factor.
    /// </summary>
    MfaChanged,
    /// <summary>Still allowed, with different ID- or access-token claims or scopes.</summary>
    ClaimsChanged,
    /// <summary>Still allowed, with different app_metadata / user_metadata updates.</summary>
    MetadataChanged,
    /// <summary>The candidate fails (rule error, timeout, sandbox limit) where the baseline did not.</summary>
    NewlyFailing,
    /// <summary>A redirect appeared, disappeared, or now goes to another page or from another rule (redirect↔allow/deny).</summary>
    RedirectChanged,
}

/// <summary>Names and groups of <see cref="ReplayClass"/> values, as the CLI and reports use them.</summary>
public static class ReplayClasses
{
    /// <summary>Every class, in report order.</summary>
    public static readonly IReadOnlyList<ReplayClass> All = Enum.GetValues<ReplayClass>();

    /// <summary>Every class but <see cref="ReplayClass.Unchanged"/>: what counts as a change.</summary>
    public static readonly IReadOnlyList<ReplayClass> Changes = All.Where(c => c != ReplayClass.Unchanged).ToArray();

    /// <summary>The stable name used by --fail-on, the JSON and JUnit reports.</summary>
    public static string Name(this ReplayClass value) => value switch
    {
        ReplayClass.Unchanged => "unchanged",
        ReplayClass.AllowToDeny => "allow_to_deny",
        ReplayClass.DenyToAllow => "deny_to_allow",
        ReplayClass.DenyChanged => "deny_changed",
        ReplayClass.MfaChanged => "mfa_changed",
        ReplayClass.ClaimsChanged => "claims_changed",
        ReplayClass.MetadataChanged => "metadata_changed",
        ReplayClass.NewlyFailing => "newly_failing",
        ReplayClass.RedirectChanged => "redirect_changed",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>The words the table and HTML reports show people (<c>allow → deny</c>); not stable, so tools should read <see cref="Name"/>.</summary>
    public static string Label(this ReplayClass value) => value switch
    {
        ReplayClass.Unchanged => "unchanged",
        ReplayClass.AllowToDeny => "allow → deny",
        ReplayClass.DenyToAllow => "deny → allow",
        ReplayClass.DenyChanged => "deny, other rule or reason",
        ReplayClass.MfaChanged => "MFA requirement changed",
        ReplayClass.ClaimsChanged => "claims or scopes changed",
        ReplayClass.MetadataChanged => "metadata updates changed",
        ReplayClass.NewlyFailing => "newly failing",
        ReplayClass.RedirectChanged => "redirect ↔ allow/deny, or another page",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>Reads a class from its label; false when <paramref name="name"/> is not one.</summary>
    public static bool TryParse(string name, out ReplayClass value)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), name.Trim().Replace('-', '_'), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}

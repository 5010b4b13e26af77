namespace Rules.Host.Dashboard;

/// <summary>
/// Names for the audit trail's event types (Auth0's log codes and ours), as the Logs page shows them; the code itself
/// stays on hover and in the entry's detail, since it is what GET /api/v2/logs?q=type:... searches.
/// </summary>
public static class LogTypes
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["s"] = "Successful login",
        ["f"] = "Failed login",
        ["fp"] = "Wrong password",
        ["fu"] = "Unknown user",
        ["fsa"] = "Silent sign-in failed",
        ["slo"] = "Logout",
        ["limit_wc"] = "Blocked: too many attempts",
        ["seacft"] = "Code exchanged",
        ["feacft"] = "Code exchange failed",
        ["seccft"] = "API token issued",
        ["feccft"] = "API token refused",
        ["impersonation_requested"] = "Impersonation link issued",
        ["impersonation_refused"] = "Impersonation refused",
        ["dashboard_login"] = "Dashboard sign-in",
        ["dashboard_login_failed"] = "Dashboard sign-in failed",
        ["dashboard_logout"] = "Dashboard sign-out",
        ["dashboard_action"] = "Dashboard action",
    };

    /// <summary>The readable name, or the code itself for a type this list does not know.</summary>
    public static string Name(string? type) => type is not null && Names.TryGetValue(type, out var name) ? name : type ?? "";
}

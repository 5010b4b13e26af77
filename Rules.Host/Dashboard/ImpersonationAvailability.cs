using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// Whether the user's page shows "Sign in as User", as Auth0's Dashboard decided it: impersonation is enabled for the
/// tenant, at least one application has an Allowed Callback URL, and such an application has the user's connection
/// enabled. <see cref="Clients"/> are the applications the operator can pick; <see cref="Problems"/> says, for the
/// "I can't see this button" note, which condition fails and how to fix it.
/// </summary>
public sealed record ImpersonationAvailability(IReadOnlyList<Client> Clients, IReadOnlyList<string> Problems)
{
    public bool ShowButton => Problems.Count == 0;

    public static ImpersonationAvailability For(TenantUser user, TenantSettings settings, IReadOnlyList<Client> clients, Connection? connection)
    {
        var problems = new List<string>();
        if (!settings.ImpersonationEnabled)
        {
            problems.Add("Impersonation is disabled for this tenant. Enable it with Rules:ImpersonationEnabled=true (environment variable "
                + "Rules__ImpersonationEnabled=true) or the tenant seed's tenant.flags.enable_impersonation, and restart the server.");
        }

        var withCallbacks = clients.Where(c => c.Callbacks.Count > 0).ToArray();
        if (withCallbacks.Length == 0)
        {
            problems.Add("No application has an Allowed Callback URL. Add one to the application you want to sign in to (clients[].callbacks in the tenant seed).");
        }

        var eligible = withCallbacks.Where(c => connection is not null && connection.IsEnabledFor(c)).ToArray();
        if (withCallbacks.Length > 0 && eligible.Length == 0)
        {
            problems.Add($"The user's connection \"{user.Connection}\" is not enabled for any application that has a callback URL ({string.Join(", ", withCallbacks.Select(c => c.Name))}). "
                + "Enable the connection for the application (connections[].enabled_clients in the tenant seed).");
        }
        return new ImpersonationAvailability(eligible, problems);
    }
}

using Rules.Host.Errors;
using Rules.Host.Tenant;

namespace Rules.Host.Impersonation;

/// <summary>
/// What following a link led to. <see cref="Link"/> is null when the link was not redeemed (unknown, expired,
/// used). An error with <see cref="ErrorOnPage"/>: the link was spent but there is no safe callback to redirect to, so
/// the browser gets an error page. Any other error is <c>access_denied</c>: something changed since the link was made
/// (impersonation switched off, impersonator no longer allowed, ...), and the callback gets it.
/// </summary>
public sealed record ImpersonationLinkValidationResult : ValidationResult<OAuthError>
{
    public RedeemedLink? Link { get; init; }
    public ImpersonatedLogin? Login { get; init; }

    /// <summary>The error is shown on our page, never sent to the callback.</summary>
    public bool ErrorOnPage { get; init; }
    public Client? Client { get; init; }
    public TenantUser? User { get; init; }
    public TenantUser? Impersonator { get; init; }

    /// <summary>Set when <see cref="Link"/> is null: why the link was refused (used, expired, unknown) and, if known, which link it was.</summary>
    public UnredeemableLink? Refused { get; init; }
}

/// <summary>
/// Consumes the link (atomically, once) and checks again everything the link was created under, because
/// up to <c>LinkLifetime</c> may have passed: a revoked impersonator or a removed callback takes effect at once.
/// </summary>
public sealed class ImpersonationLinkValidator(ImpersonationLinkStore links, TenantStore store, RoleStore roles)
{
    public const string InvalidLink = "invalid_link";

    public ImpersonationLinkValidationResult Validate(string secret, DateTimeOffset now, string? ip = null, string? userAgent = null)
    {
        var link = links.Consume(secret, now, ip, userAgent);
        if (link is null)
        {
            var refused = links.WhyNotRedeemable(secret, now);
            return new ImpersonationLinkValidationResult
            {
                Error = new OAuthError(InvalidLink, "The link is unknown, has expired or was already used."),
                ErrorOnPage = true,
                Refused = refused,
                Client = refused.ClientId is { } clientId ? store.GetClient(clientId) : null,
                User = refused.UserId is { } userId ? store.GetUser(userId) : null,
                Impersonator = refused.ImpersonatorId is { } impersonatorId ? store.GetUser(impersonatorId) : null,
            };
        }

        return Recheck(link);
    }

    /// <summary>Everything but the consumption: also run when a login the rules redirected continues.</summary>
    public ImpersonationLinkValidationResult Recheck(RedeemedLink link)
    {
        var client = store.GetClient(link.ClientId);
        var user = store.GetUser(link.UserId);
        var impersonator = store.GetUser(link.ImpersonatorId);
        var result = new ImpersonationLinkValidationResult { Link = link, Client = client, User = user, Impersonator = impersonator };
        if (client is null || !client.Callbacks.Contains(link.Parameters.CallbackUrl, StringComparer.Ordinal))
        {
            return result with
            {
                Error = new OAuthError(InvalidLink, "The application this link signs into no longer exists or no longer accepts the link's callback URL."),
                ErrorOnPage = true,
            };
        }

        var settings = store.GetSettings();
        if (!settings.ImpersonationEnabled)
        {
            return Denied(result, "Impersonation is disabled for this tenant.");
        }
        if (user is null || user.Blocked)
        {
            return Denied(result, "The user no longer exists or is blocked.");
        }
        if (impersonator is null || impersonator.Blocked || !settings.MayImpersonate(impersonator))
        {
            return Denied(result, "The impersonator is no longer allowed to impersonate users.");
        }
        var connection = store.GetConnection(user.Connection);
        if (connection is null || !connection.EnabledClients.Contains(client.ClientId, StringComparer.Ordinal))
        {
            return Denied(result, $"The user's connection is not enabled for {client.Name}.");
        }

        return result with { Login = new ImpersonatedLogin(link, user, impersonator, client, connection, settings, roles.NamesOf(user.UserId)) };
    }

    private static ImpersonationLinkValidationResult Denied(ImpersonationLinkValidationResult result, string reason) =>
        result with { Error = new OAuthError("access_denied", reason) };
}

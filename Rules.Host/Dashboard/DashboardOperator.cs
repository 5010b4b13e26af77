using System.Security.Claims;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>The signed-in operator, as carried in the Dashboard's session cookie.</summary>
public sealed record DashboardOperator(string UserId, string? Email, string? Name)
{
    public string Display => Name ?? Email ?? UserId;

    public static DashboardOperator From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("no operator signed in"),
        principal.FindFirstValue(ClaimTypes.Email),
        principal.FindFirstValue(ClaimTypes.Name));

    public static ClaimsPrincipal ToPrincipal(TenantUser user)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user.UserId) };
        if (user.Email is not null) claims.Add(new Claim(ClaimTypes.Email, user.Email));
        if (user.Profile["name"]?.GetValue<string>() is { } name) claims.Add(new Claim(ClaimTypes.Name, name));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, DashboardAuthentication.Scheme));
    }
}

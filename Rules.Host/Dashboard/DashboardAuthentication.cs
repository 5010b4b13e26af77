using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The operator session: ASP.NET Core's cookie handler with cookie <c>rules_dashboard</c> (HttpOnly, SameSite=Strict,
/// Secure over https, path /dashboard, no Expires so it ends with the browser), sliding idle timeout. On every request
/// the operator is looked up again, so removing someone from the operators list or blocking them ends their session.
/// Pages answer an anonymous visitor with a redirect to the sign-in page; /dashboard/api answers 401/403 JSON.
/// </summary>
public static class DashboardAuthentication
{
    public const string Scheme = "Dashboard";
    public const string Policy = "DashboardOperator";
    public const string CookieName = "rules_dashboard";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme);
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IOptions<DashboardOptions>>((cookie, dashboard) =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.Path = DashboardRoutes.Root;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = dashboard.Value.SessionIdleTimeout;
            cookie.SlidingExpiration = true;
            cookie.LoginPath = DashboardRoutes.Login;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events.OnValidatePrincipal = StillAnOperatorAsync;
            cookie.Events.OnRedirectToLogin = context => Refuse(context, 401, "Sign in to the Dashboard first.");
            cookie.Events.OnRedirectToAccessDenied = context => Refuse(context, 403, "This account may not use the Dashboard.");
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    private static async Task StillAnOperatorAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var userId = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        var user = userId is null ? null : services.GetRequiredService<TenantStore>().GetUser(userId);
        if (user is null || !services.GetRequiredService<OperatorDirectory>().IsOperator(user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status, string message)
    {
        if (context.Request.Path.StartsWithSegments(DashboardRoutes.Api))
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(new { statusCode = status, error = status == 401 ? "Unauthorized" : "Forbidden", message });
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

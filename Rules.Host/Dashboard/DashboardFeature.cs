using Microsoft.AspNetCore.Antiforgery;

namespace Rules.Host.Dashboard;

/// <summary>
/// Registers the operator console and maps its routes. Pages and fetch() endpoints sit in one group that requires a
/// signed-in operator (<see cref="DashboardAuthentication"/>); every POST in it passes the CSRF check
/// (<see cref="DashboardCsrf"/>). Only the sign-in page and the static assets are open.
/// </summary>
public static class DashboardFeature
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section);
        services.AddSingleton<OperatorDirectory>();
        services.AddSingleton<DashboardAudit>();
        services.AddSingleton<RuleTrial>();
        services.AddDashboardAuthentication();
        // fetch() calls send the antiforgery token in a header; forms send it as the field "csrf" (LoginFeature).
        services.Configure<AntiforgeryOptions>(antiforgery => antiforgery.HeaderName = DashboardCsrf.HeaderName);
        return services;
    }

    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DashboardRoutes.Root, () => Results.Redirect(DashboardRoutes.Users));
        endpoints.MapGet(DashboardRoutes.Assets + "/{name}", DashboardAssets.Serve);
        endpoints.MapGet(DashboardRoutes.Login, DashboardSignInEndpoints.Show);
        endpoints.MapPost(DashboardRoutes.Login, DashboardSignInEndpoints.SubmitAsync);

        var pages = endpoints.MapGroup(DashboardRoutes.Root).RequireAuthorization(DashboardAuthentication.Policy);
        pages.MapPost("/logout", DashboardSignInEndpoints.SignOutAsync).RequireCsrfToken();

        pages.MapGet("/users", UsersPages.List);
        pages.MapGet("/users/{user_id}", UsersPages.Show);
        pages.MapPost("/users/{user_id}/roles", UserRoles.ChangeAsync).RequireCsrfToken();
        pages.MapPost("/users/{user_id}/factors/reset", UserFactorsSection.Reset).RequireCsrfToken();
        pages.MapPost("/users/{user_id}/factors/recovery-codes", UserFactorsSection.NewRecoveryCodes).RequireCsrfToken();

        pages.MapGet("/rules", RulesPages.List);
        pages.MapGet("/rules/{id}", RulesPages.Edit);
        pages.MapPost("/rules/{id}", RulesPages.SaveAsync).RequireCsrfToken();
        pages.MapPost("/rules/{id}/enabled", RulesPages.SetEnabledAsync).RequireCsrfToken();
        pages.MapPost("/rules/{id}/move", RulesPages.MoveAsync).RequireCsrfToken();

        pages.MapGet("/logs", LogsPages.List);
        pages.MapGet("/logs/{log_id}", LogsPages.Show);

        pages.MapPost("/api/users/{user_id}/impersonate", DashboardImpersonationEndpoint.HandleAsync).RequireCsrfToken();
        pages.MapGet("/api/rules/sample", RuleTrialEndpoints.Sample);
        pages.MapPost("/api/rules/{id}/try", RuleTrialEndpoints.TryAsync).RequireCsrfToken();
        return endpoints;
    }
}

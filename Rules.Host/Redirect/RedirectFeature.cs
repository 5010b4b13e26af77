namespace Rules.Host.Redirect;

/// <summary>Registers redirect rules' services (suspending a login, continuing it) and maps /continue.</summary>
public static class RedirectFeature
{
    public static IServiceCollection AddRedirects(this IServiceCollection services)
    {
        services.AddSingleton<PendingLoginStore>();
        services.AddSingleton<LoginSuspender>();
        services.AddSingleton<LoginRedirects>();
        services.AddSingleton<ImpersonationRedirects>();
        services.AddSingleton<LoginContinuation>();
        services.AddSingleton<ImpersonationContinuation>();
        return services;
    }

    public static IEndpointRouteBuilder MapRedirectEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/continue", ContinueEndpoint.HandleAsync);
        endpoints.MapPost("/continue", ContinueEndpoint.HandleAsync).DisableAntiforgery();
        return endpoints;
    }
}

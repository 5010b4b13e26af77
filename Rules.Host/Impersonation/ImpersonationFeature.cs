using Rules.Host.Management;

namespace Rules.Host.Impersonation;

/// <summary>Registers the Impersonation feature's services and maps its endpoints.</summary>
public static class ImpersonationFeature
{
    public static IServiceCollection AddImpersonation(this IServiceCollection services)
    {
        services.AddSingleton<ImpersonationRequestValidator>();
        services.AddSingleton<ImpersonationLinkStore>();
        services.AddSingleton<ImpersonationLinkGenerator>();
        services.AddSingleton<AuditedImpersonationLinks>();
        services.AddSingleton<ImpersonationLinkValidator>();
        return services;
    }

    public static IEndpointRouteBuilder MapImpersonationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/users/{user_id}/impersonate", ImpersonateEndpoint.HandleAsync).RequireManagementScope("impersonate:users");
        endpoints.MapGet("/impersonation/{secret}", ImpersonationLinkEndpoint.HandleAsync);
        return endpoints;
    }
}

namespace Rules.Host.Impersonation;

/// <summary>Registers the Impersonation feature's services and maps its endpoints.</summary>
public static class ImpersonationFeature
{
    public static IServiceCollection AddImpersonation(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapImpersonationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}

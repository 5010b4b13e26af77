namespace Rules.Host.Management;

/// <summary>Registers the Management feature's services and maps its endpoints.</summary>
public static class ManagementFeature
{
    public static IServiceCollection AddManagement(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}

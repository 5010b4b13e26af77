namespace Rules.Host.Management;

/// <summary>Registers the Management feature's services and maps its endpoints: Auth0's Management API v2.</summary>
public static class ManagementFeature
{
    public static IServiceCollection AddManagement(this IServiceCollection services)
    {
        services.AddSingleton<RuleStore>();
        services.AddSingleton<RuleSetEditor>();
        services.AddSingleton<AuditLogSearch>();
        return services;
    }

    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapUsersEndpoints();
        endpoints.MapUserRolesEndpoints();
        endpoints.MapUsersByEmailEndpoints();
        endpoints.MapRolesEndpoints();
        endpoints.MapRulesEndpoints();
        endpoints.MapRulesConfigsEndpoints();
        Modules.ModulesEndpoints.MapModulesEndpoints(endpoints);
        endpoints.MapLogsEndpoints();
        endpoints.MapDecisionLogsEndpoints();
        endpoints.MapSigningKeysEndpoints();
        return endpoints;
    }
}

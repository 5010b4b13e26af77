namespace Rules.Host.OAuth;

/// <summary>Registers the OAuth feature's services and maps its endpoints.</summary>
public static class OAuthFeature
{
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}

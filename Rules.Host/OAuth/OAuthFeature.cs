namespace Rules.Host.OAuth;

/// <summary>Registers the OAuth feature's services and maps its endpoints: token, userinfo and discovery.</summary>
public static class OAuthFeature
{
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddSingleton<ClientSecretValidator>();
        services.AddSingleton<AuthorizationCodeStore>();
        services.AddSingleton<TokenMinter>();
        services.AddSingleton<AuthorizeResponseGenerator>();
        services.AddSingleton<TokenRequestValidator>();
        services.AddSingleton<TokenResponseGenerator>();
        return services;
    }

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/oauth/token", TokenEndpoint.HandleAsync);
        endpoints.MapGet("/userinfo", UserInfoEndpoint.HandleAsync);
        endpoints.MapGet("/.well-known/jwks.json", DiscoveryEndpoint.Jwks);
        endpoints.MapGet("/.well-known/openid-configuration", DiscoveryEndpoint.Configuration);
        return endpoints;
    }
}

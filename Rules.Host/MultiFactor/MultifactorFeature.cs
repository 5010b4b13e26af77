namespace Rules.Host.MultiFactor;

/// <summary>Registers the second factor (TOTP + recovery codes) for regular logins and maps its pages.</summary>
public static class MultifactorFeature
{
    public static IServiceCollection AddMultifactor(this IServiceCollection services)
    {
        services.AddSingleton<FactorStore>();
        services.AddSingleton<MultifactorChallengeStore>();
        services.AddSingleton<MultifactorAttemptLimiter>();
        services.AddSingleton<RememberBrowser>();
        services.AddSingleton<MultifactorGate>();
        services.AddSingleton<FactorAdministration>();
        services.AddSingleton<ImpersonatorMultifactor>();
        return services;
    }

    public static IEndpointRouteBuilder MapMultifactorEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login/mfa", MultifactorEndpoints.Show);
        endpoints.MapPost("/login/mfa", MultifactorEndpoints.SubmitAsync);
        endpoints.MapPost("/login/mfa/continue", MultifactorEndpoints.ContinueAsync);
        endpoints.MapAuthenticatorsEndpoints();
        return endpoints;
    }
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Rules.Host.Storage;

namespace Rules.Host.Login;

/// <summary>Registers regular logins (authorize, login page, SSO sessions, logout) and maps their endpoints.</summary>
public static class LoginFeature
{
    public static IServiceCollection AddLogin(this IServiceCollection services)
    {
        services.AddSingleton<AuthorizeRequestValidator>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<PasswordAuthenticator>();
        services.AddSingleton<LoginAttemptLimiter>();
        services.AddSingleton<SuspiciousIpThrottle>();
        services.AddSingleton<LoginCompletion>();

        // The antiforgery tokens (and the Dashboard's cookies) are protected with Data Protection keys kept in the store,
        // so a login page served before a restart, or by another instance, can still be submitted.
        services.AddDataProtection().SetApplicationName("rules");
        services.AddOptions<KeyManagementOptions>().Configure<Database, KeyEncryption>((keys, database, encryption) =>
            keys.XmlRepository = new DatabaseXmlRepository(database, encryption));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "rules_csrf";
            antiforgery.FormFieldName = "csrf";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/authorize", AuthorizeEndpoint.HandleAsync);
        endpoints.MapGet("/login", LoginEndpoints.Show);
        endpoints.MapPost("/login", LoginEndpoints.SubmitAsync);
        endpoints.MapGet("/v2/logout", LogoutEndpoint.Handle);
        endpoints.MapGet("/oidc/logout", LogoutEndpoint.HandleOidcAsync);
        return endpoints;
    }
}

using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Rules.Samples.OpenIddictServer;

/// <summary>
/// OpenIddict with the least it needs for the password grant: no database (degraded mode, so this class checks the
/// client itself), ephemeral keys, and unencrypted access tokens so the app (and the tests) can read their claims.
/// A real server keeps its clients in OpenIddict's stores and its keys in certificates.
/// </summary>
public static class SampleOpenIddict
{
    /// <summary>The one client this sample knows: a public client (a first-party app) allowed the password grant.</summary>
    public const string ClientId = "sample-app";

    /// <summary>Registers the OpenIddict server for the sample.</summary>
    public static IServiceCollection AddSampleOpenIddict(this IServiceCollection services)
    {
        services.AddOpenIddict().AddServer(server =>
        {
            server.SetTokenEndpointUris("connect/token");
            server.AllowPasswordFlow();
            server.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile);
            server.EnableDegradedMode();
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            server.DisableAccessTokenEncryption();
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                // Degraded mode has no application store to check the client against: this does it.
                if (!string.Equals(context.ClientId, ClientId, StringComparison.Ordinal))
                {
                    context.Reject(Errors.InvalidClient, "The client_id is not known to this server.");
                }
                return default;
            }));
            // The sample listens on http://127.0.0.1 in tests and in development; a real server keeps HTTPS required.
            server.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
        });
        return services;
    }
}

using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.OAuth;

namespace Rules.Host.RuleSets;

/// <summary>
/// The server's values for the <c>auth0</c> global on a login: <c>auth0.domain</c> (the issuer's host[:port]),
/// <c>auth0.baseUrl</c> (<c>{issuer}api/v2</c>) and <c>auth0.accessToken</c>, a Management API token for this server
/// that lives <see cref="Lifetime"/>, with the scopes the rule set's configuration grants in
/// <see cref="ScopeConfigurationKey"/> (space-separated, at most those in <see cref="Grantable"/>). The token is made
/// only when a rule reads it; without the key it is undefined. It is never logged: the engine redacts it from the rules'
/// console output, and the server writes it nowhere. The same scopes bound what <c>require('auth0')</c>'s ManagementClient
/// may do; its calls are answered in-process (<see cref="Modules.Auth0.RuleManagementCalls"/>).
/// </summary>
public sealed class RuleAuth0Globals(IssuerUrls urls, JwtFactory jwt, RuleSetProvider rules, Modules.Auth0.RuleManagementCalls managementCalls)
{
    public const string ScopeConfigurationKey = "AUTH0_ACCESS_TOKEN_SCOPE";
    public const string Subject = "rules@rules";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// What a rule's token may carry: users, users' roles, roles and logs. Never rules, rules-configs, signing keys or
    /// impersonation, so a rule-set configuration cannot grant a rule the power to change the rules or mint links.
    /// </summary>
    public static readonly IReadOnlySet<string> Grantable = new HashSet<string>(StringComparer.Ordinal)
    {
        "read:users", "update:users", "create:users", "read:roles", "create:role_members", "delete:role_members", "read:logs",
    };

    public ExecutionOptions OptionsFor(HttpContext http)
    {
        var issuer = urls.Issuer(http);
        var domain = new Uri(issuer).Authority;
        return new ExecutionOptions
        {
            Auth0 = new Auth0Globals(domain, issuer + "api/v2", () => Mint(issuer, urls.ManagementAudience(http))),
            HostCalls = managementCalls.For(http),
        };
    }

    /// <summary>The granted scopes: the configured ones this server may grant; unknown or refused ones are left out.</summary>
    public static IReadOnlyList<string> GrantedScopes(IReadOnlyDictionary<string, string>? configuration) =>
        configuration is not null && configuration.TryGetValue(ScopeConfigurationKey, out var scope)
            ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(Grantable.Contains).Distinct().ToArray()
            : [];

    private string? Mint(string issuer, string audience)
    {
        var scopes = GrantedScopes(rules.Current?.RuleSet.RuleSet.Configuration);
        if (scopes.Count == 0)
        {
            return null;
        }
        return jwt.Create(issuer, audience, new JsonObject
        {
            ["sub"] = Subject,
            ["scope"] = string.Join(' ', scopes),
            ["gty"] = "rules",
        }, Lifetime);
    }
}

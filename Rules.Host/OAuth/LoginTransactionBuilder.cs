using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.GeoIp;
using Rules.Host.Risk;
using Rules.Host.Tenant;

namespace Rules.Host.OAuth;

/// <summary>What a login is made of when its rules run, whichever way it started (login page, SSO, impersonation link).</summary>
public sealed record LoginDescription
{
    /// <summary>The profile the rules see as <c>user</c> (for impersonation, with the markers already on it).</summary>
    public required JsonObject User { get; init; }
    public required Client Client { get; init; }
    public required Connection Connection { get; init; }
    public required TenantSettings Settings { get; init; }

    /// <summary>Auth0's <c>context.protocol</c>: oidc-basic-profile, oidc-implicit-profile, ...</summary>
    public required string Protocol { get; init; }

    /// <summary>The authorization request's parameters, as Auth0 passed the /authorize query.</summary>
    public required JsonObject Query { get; init; }
    public required long LoginsCount { get; init; }

    /// <summary>Auth0's <c>context.sso</c>: with_auth0, with_dbconn, current_clients.</summary>
    public required JsonObject Sso { get; init; }

    /// <summary>Auth0's <c>context.authentication.methods</c>: [{ name, timestamp }].</summary>
    public required JsonArray Methods { get; init; }
    public required string SessionId { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The names of the user's roles: Auth0's <c>context.authorization.roles</c>.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Auth0's <c>context.request.body</c>: what a login that POSTs sent, secrets removed; empty for other logins.</summary>
    public JsonObject? Body { get; init; }
}

/// <summary>
/// Builds the <see cref="LoginTransaction"/> the rules see, with Auth0's user and context fields. Every kind of
/// login goes through here, so a rule reads the same context shape whether the user typed a password, came back
/// with a session, or a support agent followed an impersonation link.
/// </summary>
public static class LoginTransactionBuilder
{
    public static LoginTransaction Build(LoginDescription login, HttpContext http, DateTimeOffset now)
    {
        var context = new JsonObject
        {
            ["tenant"] = login.Settings.FriendlyName,
            ["clientID"] = login.Client.ClientId,
            ["clientName"] = login.Client.Name,
            ["clientMetadata"] = login.Client.ClientMetadata.DeepClone(),
            ["connection"] = login.Connection.Name,
            ["connectionStrategy"] = login.Connection.Strategy,
            ["connectionID"] = login.Connection.Id,
            ["connectionOptions"] = ConnectionOptions(login.Connection),
            ["protocol"] = login.Protocol,
            ["request"] = new JsonObject
            {
                ["ip"] = http.Connection.RemoteIpAddress?.ToString(),
                ["userAgent"] = http.Request.Headers.UserAgent.ToString(),
                ["hostname"] = http.Request.Host.Host,
                ["query"] = login.Query,
                ["body"] = login.Body ?? [],
            },
            ["stats"] = new JsonObject { ["loginsCount"] = login.LoginsCount },
            ["sso"] = login.Sso,
            ["authentication"] = new JsonObject { ["methods"] = login.Methods },
            ["sessionID"] = login.SessionId,
            ["idToken"] = new JsonObject(),
            ["accessToken"] = new JsonObject { ["scope"] = new JsonArray(login.Scopes.Select(s => (JsonNode?)s).ToArray()) },
            ["authorization"] = new JsonObject { ["roles"] = new JsonArray(login.Roles.Select(r => (JsonNode?)r).ToArray()) },
        };
        if (GeoIpOf(http) is { } geoip)
        {
            context["request"]!["geoip"] = geoip;
        }
        if (http.RequestServices?.GetService<RiskAssessor>() is { } risk && login.User["user_id"]?.GetValue<string>() is { } userId)
        {
            context["riskAssessment"] = risk.Assess(userId, http);
        }
        return new LoginTransaction(login.User, context, now);
    }

    /// <summary>
    /// Auth0's <c>context.request.geoip</c> for the client's address, when the operator configured a database
    /// (<c>Rules:GeoIp:Database</c>) and it knows the address; otherwise absent, so a rule that depends on it fails closed.
    /// </summary>
    private static JsonObject? GeoIpOf(HttpContext http)
    {
        if (http.RequestServices?.GetService<IGeoIpLookup>() is not { } lookup || http.Connection.RemoteIpAddress is not { } address)
        {
            return null;
        }
        try
        {
            return lookup.Lookup(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)?.ToJson();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LoginTransactionBuilder)).LogWarning(e, "GeoIP lookup failed; the login carries no geoip");
            return null;
        }
    }

    /// <summary>
    /// Auth0's <c>context.connectionOptions</c>. A database connection here has the options this server enforces (no
    /// sign-up page, email as the identifier, brute-force protection, passwords of at least 8 characters); other
    /// connections have no options of ours, so the object is empty.
    /// </summary>
    public static JsonObject ConnectionOptions(Connection connection) => connection.IsDatabase
        ? new JsonObject
        {
            ["brute_force_protection"] = true,
            ["disable_signup"] = true,
            ["requires_username"] = false,
            ["import_mode"] = false,
            ["password_complexity_options"] = new JsonObject { ["min_length"] = 8 },
        }
        : [];

    /// <summary>One entry of <c>context.authentication.methods</c>, as Auth0 writes it (timestamp in milliseconds).</summary>
    public static JsonObject Method(string name, DateTimeOffset at) => new() { ["name"] = name, ["timestamp"] = at.ToUnixTimeMilliseconds() };
}

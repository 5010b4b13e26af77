using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Rules.Host.Audit;

/// <summary>
/// Who made a change, as its audit entry names them: a Management API client (<c>client</c>, its client_id), a
/// Dashboard operator (<c>operator</c>, user id and email), a watched rules directory (<c>directory</c>, its path, with
/// each file's hash in the entry), <c>serve --import</c> (<c>import</c>, the path), or the server's own start-up
/// settings (<c>settings</c>, e.g. Rules:ImpersonationEnabled).
/// </summary>
public sealed record ChangeActor(string Kind, string Id, string? Name = null)
{
    public static ChangeActor Client(string clientId) => new("client", clientId);

    public static ChangeActor Operator(string userId, string? email) => new("operator", userId, email);

    public static ChangeActor Directory(string path) => new("directory", Path.GetFullPath(path));

    public static ChangeActor Import(string path) => new("import", Path.GetFullPath(path));

    public static ChangeActor Settings(string setting) => new("settings", setting);

    /// <summary>The caller of a Management API request: the client_id its token was issued to (azp, else sub without @clients).</summary>
    public static ChangeActor FromManagementToken(Microsoft.IdentityModel.JsonWebTokens.JsonWebToken? token)
    {
        var clientId = token is null ? null
            : token.TryGetPayloadValue<string>("azp", out var azp) ? azp
            : token.Subject?.Replace("@clients", "", StringComparison.Ordinal);
        return Client(clientId ?? "unknown");
    }

    /// <summary>The address the change came from, when it came over HTTP.</summary>
    public string? Ip { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The calling application's name, for a Management API client.</summary>
    public string? ClientName { get; init; }

    /// <summary>
    /// The caller of a Management API request, with where it came from: Auth0's API-operation log entries carry the
    /// caller's ip, user agent and application name, and so do ours.
    /// </summary>
    public static ChangeActor FromRequest(Microsoft.AspNetCore.Http.HttpContext http)
    {
        var actor = FromManagementToken(Management.ManagementAuthorization.Caller(http));
        var tenant = http.RequestServices.GetService(typeof(Tenant.TenantStore)) as Tenant.TenantStore;
        return actor.From(http) with { ClientName = tenant?.GetClient(actor.Id)?.Name };
    }

    /// <summary>This actor, with the address and user agent of <paramref name="http"/>.</summary>
    public ChangeActor From(Microsoft.AspNetCore.Http.HttpContext http) => this with
    {
        Ip = AuditEntry.IpOf(http),
        UserAgent = AuditEntry.UserAgentOf(http) is { Length: > 0 } agent ? agent : null,
    };

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind, ["id"] = Id };
        if (Name is not null)
        {
            json["name"] = Name;
        }
        return json;
    }

    /// <summary>SHA-256 (hex) of text as UTF-8: the before/after hashes of changed objects and of directory files.</summary>
    public static string Sha256(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

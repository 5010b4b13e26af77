using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Rules.Soak;

/// <summary>What one HTTP step of the flow answered: its status and, when it succeeded, what it handed out; a login the
/// server denied carries the redirect's error and error_description.</summary>
public readonly record struct StepResult(int Status, string? Value, string? Denial = null)
{
    public bool Succeeded => Value is not null;
}

/// <summary>
/// The impersonation guide's steps against a real server on the sample tenant: Priya (support agent) signs in as
/// Jordan on the Customer Portal, code flow. Each step returns the status and the link, code or access token.
/// Given several servers that share one store, every request goes to the next of them, as a load balancer without
/// sticky sessions would send it; links are followed on the chosen server whatever host the public issuer names.
/// </summary>
public sealed class ImpersonationFlowClient
{
    public const string ToolingClientId = "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY";
    public const string ToolingSecret = "sample-management-secret-change-me-0000000000000000";
    public const string PortalId = "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA";
    public const string PortalSecret = "sample-app2-secret-change-me-0000000000000000000000";
    public const string PortalCallback = "http://localhost:3000/callback";
    public const string Priya = "auth0|64b7f0c2a1e9d3f4b5c6a7d8";
    public const string Jordan = "auth0|63f2a9c1d4e5b6a7c8d9e0f1";

    private readonly HttpClient _http;
    private readonly Uri[] _baseUris;
    private readonly Uri? _issuer;
    private int _next = -1;
    private string? _managementToken;

    public ImpersonationFlowClient(HttpClient http, Uri baseUri, Uri? issuer = null)
        : this(http, [baseUri], issuer)
    {
    }

    /// <param name="issuer">The servers' public issuer (--Rules:Issuer), whose <c>api/v2/</c> is the Management API audience; null when each server's URL is its own issuer.</param>
    public ImpersonationFlowClient(HttpClient http, IReadOnlyList<Uri> baseUris, Uri? issuer = null)
    {
        if (baseUris.Count == 0)
        {
            throw new ArgumentException("at least one server", nameof(baseUris));
        }
        _http = http;
        _baseUris = [.. baseUris];
        _issuer = issuer;
    }

    /// <summary>The server for the next request: round-robin over all of them.</summary>
    private Uri Next() => _baseUris.Length == 1 ? _baseUris[0] : _baseUris[(int)((uint)Interlocked.Increment(ref _next) % (uint)_baseUris.Length)];

    /// <summary>A client that never follows redirects (the code is in the Location) and keeps enough connections open for the load.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = 256,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The server's name for a link: "lnk_" and a prefix of the SHA-256 of its secret, as in the audit entries.</summary>
    public static string LinkId(string link) =>
        "lnk_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(new Uri(link).Segments[^1])))[..16];

    public async Task<StepResult> ManagementTokenAsync()
    {
        var baseUri = Next();
        using var response = await _http.PostAsJsonAsync(new Uri(baseUri, "/oauth/token"), new
        {
            grant_type = "client_credentials",
            client_id = ToolingClientId,
            client_secret = ToolingSecret,
            audience = new Uri(_issuer ?? baseUri, _issuer is null ? "/api/v2/" : "api/v2/").ToString(),
        });
        var token = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())?["access_token"]?.GetValue<string>() : null;
        _managementToken = token ?? _managementToken;
        return new StepResult((int)response.StatusCode, token);
    }

    public async Task<StepResult> CreateLinkAsync(string state)
    {
        var body = new JsonObject
        {
            ["protocol"] = "oauth2",
            ["impersonator_id"] = Priya,
            ["client_id"] = PortalId,
            ["additionalParameters"] = new JsonObject
            {
                ["response_type"] = "code",
                ["callback_url"] = PortalCallback,
                ["scope"] = "openid profile email",
                ["state"] = state,
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Next(), $"/users/{Uri.EscapeDataString(Jordan)}/impersonate"))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _managementToken ?? throw new InvalidOperationException("get a management token first"));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new StepResult((int)response.StatusCode, response.StatusCode == HttpStatusCode.OK && text.StartsWith("http", StringComparison.Ordinal) ? text : null);
    }

    /// <summary>Follows the link (on the next server: its host is the public issuer's); succeeds with the code when the server redirects to the callback with one.</summary>
    public async Task<StepResult> FollowAsync(string link)
    {
        using var response = await _http.GetAsync(new Uri(Next(), new Uri(link).PathAndQuery));
        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            && location.ToString().StartsWith(PortalCallback + "?", StringComparison.Ordinal))
        {
            var query = location.Query.TrimStart('?').Split('&')
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
            var denial = query.TryGetValue("error", out var error) ? $"{error}: {query.GetValueOrDefault("error_description")}" : null;
            return new StepResult((int)response.StatusCode, query.GetValueOrDefault("code"), denial);
        }
        return new StepResult((int)response.StatusCode, null);
    }

    /// <summary>Exchanges the code; succeeds with the access token.</summary>
    public async Task<StepResult> ExchangeAsync(string code)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(Next(), "/oauth/token"), new
        {
            grant_type = "authorization_code",
            client_id = PortalId,
            client_secret = PortalSecret,
            code,
            redirect_uri = PortalCallback,
        });
        var token = response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())?["access_token"]?.GetValue<string>() : null;
        return new StepResult((int)response.StatusCode, token);
    }
}

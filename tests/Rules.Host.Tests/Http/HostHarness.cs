using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.Storage;

namespace Rules.Host.Tests.Http;

/// <summary>
/// One server per harness (a fresh data directory seeded from the sample tenant) with a <see cref="FixedClock"/>,
/// a fixed client IP, and an HttpClient that does not follow redirects, plus the steps of the impersonation
/// guide as helpers. The sample tenant's ids are named here once.
/// </summary>
public sealed class HostHarness : IDisposable
{
    public const string Issuer = "http://localhost/";
    public const string ManagementAudience = Issuer + "api/v2/";
    public const string ClientIp = "203.0.113.7";
    public const string UserAgent = "rules-host-tests/1.0";

    public const string ToolingClientId = "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY";
    public const string ToolingSecret = "sample-management-secret-change-me-0000000000000000";
    public const string AdminConsoleId = "Mn5bV0cX7zL2kJ9hG4fD1sA6pO3iU8yT";
    public const string AdminConsoleSecret = "sample-app1-secret-change-me-0000000000000000000000";
    public const string AdminConsoleCallback = "http://localhost:3001/callback";
    public const string PortalId = "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA";
    public const string PortalSecret = "sample-app2-secret-change-me-0000000000000000000000";
    public const string PortalCallback = "http://localhost:3000/callback";
    public const string BillingId = "Vb7nM2qW9eR4tY1uI6oP3aS8dF5gH0jK";
    public const string BillingSecret = "sample-billing-secret-change-me-000000000000000000000";
    public const string BillingCallback = "http://localhost:3002/callback";

    public const string Priya = "auth0|64b7f0c2a1e9d3f4b5c6a7d8";        // support agent, may impersonate
    public const string PriyaEmail = "priya.shah@acme-support.example.com";
    public const string Tom = "auth0|6522d1e2f3a4b5c6d7e8f9a0";          // listed as impersonator, not in SUPPORT_AGENTS
    public const string Jordan = "auth0|63f2a9c1d4e5b6a7c8d9e0f1";       // customer
    public const string JordanEmail = "jordan.lee@gmail.com";
    public const string Noor = "auth0|6401d7e8f9a0b1c2d3e4f5a6";         // customer, not an impersonator
    public const string Sam = "auth0|63e1b8d0c3f4a5b6c7d8e9f0";          // admin
    public const string Alex = "auth0|6543a2b1c0d9e8f7a6b5c4d3";         // email not verified

    private static readonly Lazy<string> SeededTemplate = new(CreateSeededTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly RulesHostFactory _factory;
    private string? _managementToken;

    /// <param name="services">Replaces or adds services after the app's own (a seam's fake, for instance).</param>
    public HostHarness(IDictionary<string, string?>? settings = null, DateTimeOffset? now = null, Action<IServiceCollection>? services = null)
    {
        Clock = new FixedClock(now ?? FixedClock.WeekdayMorning);
        _factory = new RulesHostFactory(settings);
        // Start from a copy of an already seeded data directory: seeding hashes every sample password and
        // makes a signing key, which would otherwise cost most of each test's time. The server still migrates
        // and applies its settings at start-up as on any restart.
        Directory.CreateDirectory(_factory.DataDirectory);
        foreach (var file in Directory.GetFiles(SeededTemplate.Value))
        {
            File.Copy(file, Path.Combine(_factory.DataDirectory, Path.GetFileName(file)));
        }
        App = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter, ClientAddressFilter>();
        }).ConfigureTestServices(extra => services?.Invoke(extra)));
        Client = NewClient();
    }

    public FixedClock Clock { get; }

    public WebApplicationFactory<Program> App { get; }

    public HttpClient Client { get; }

    public string DataDirectory => _factory.DataDirectory;

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public HttpClient NewClient()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost") });
        client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        return client;
    }

    // ---- step 1: a Management API token ----

    public Task<HttpResponseMessage> TokenAsync(object body) => Client.PostAsJsonAsync("/oauth/token", body);

    public Task<HttpResponseMessage> TokenFormAsync(IDictionary<string, string> form, HttpClient? client = null) =>
        (client ?? Client).PostAsync("/oauth/token", new FormUrlEncodedContent(form));

    public async Task<string> ManagementTokenAsync(string? scope = null)
    {
        if (scope is null && _managementToken is not null)
        {
            return _managementToken;
        }
        var response = await TokenAsync(new { grant_type = "client_credentials", client_id = ToolingClientId, client_secret = ToolingSecret, audience = ManagementAudience, scope });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        return scope is null ? _managementToken = token : token;
    }

    // ---- step 3: the impersonation link ----

    /// <summary>The guide's request body: Priya signs in as Jordan on the Customer Portal, code flow.</summary>
    public static JsonObject ImpersonationBody(
        string impersonatorId = Priya, string clientId = PortalId, string callbackUrl = PortalCallback,
        string? responseType = "code", string? scope = "openid profile email", string? state = "st-123", string? responseMode = null, string? nonce = null)
    {
        var additional = new JsonObject { ["callback_url"] = callbackUrl };
        if (responseType is not null) additional["response_type"] = responseType;
        if (scope is not null) additional["scope"] = scope;
        if (state is not null) additional["state"] = state;
        if (responseMode is not null) additional["response_mode"] = responseMode;
        if (nonce is not null) additional["nonce"] = nonce;
        return new JsonObject
        {
            ["protocol"] = "oauth2",
            ["impersonator_id"] = impersonatorId,
            ["client_id"] = clientId,
            ["additionalParameters"] = additional,
        };
    }

    public async Task<HttpResponseMessage> ImpersonateAsync(string userId, JsonObject body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/users/{Uri.EscapeDataString(userId)}/impersonate")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await ManagementTokenAsync());
        return await Client.SendAsync(request);
    }

    public async Task<string> CreateLinkAsync(string userId = Jordan, JsonObject? body = null)
    {
        var response = await ImpersonateAsync(userId, body ?? ImpersonationBody());
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return text;
    }

    // ---- step 4: follow the link ----

    public Task<HttpResponseMessage> FollowAsync(string link, HttpClient? client = null) => (client ?? Client).GetAsync(link);

    /// <summary>The state a rule's redirect to <paramref name="formUrl"/> carries (<c>{formUrl}?state=…</c>), for the continue.</summary>
    public static string RedirectState(HttpResponseMessage redirect, string formUrl)
    {
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = redirect.Headers.Location!.ToString();
        location.Should().StartWith(formUrl + "?state=");
        return QueryHelpers.ParseQuery(new Uri(location).Query)["state"].ToString();
    }

    /// <summary>The parameters the callback received, from the Location's query or fragment.</summary>
    public static Dictionary<string, string> CallbackParameters(HttpResponseMessage redirect, string expectedCallback = PortalCallback)
    {
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = redirect.Headers.Location!.ToString();
        location.Should().StartWith(expectedCallback);
        var rest = location[expectedCallback.Length..];
        return QueryHelpers.ParseQuery(rest.TrimStart('?', '#')).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    public async Task<string> CodeAsync(string userId = Jordan, JsonObject? body = null)
    {
        var link = await CreateLinkAsync(userId, body);
        var parameters = CallbackParameters(await FollowAsync(link));
        parameters.Should().ContainKey("code", "the login should be allowed: {0}", string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}")));
        return parameters["code"];
    }

    // ---- step 5: exchange the code ----

    public Task<HttpResponseMessage> ExchangeAsync(string code, string clientId = PortalId, string secret = PortalSecret, string redirectUri = PortalCallback) =>
        TokenAsync(new { grant_type = "authorization_code", client_id = clientId, client_secret = secret, code, redirect_uri = redirectUri });

    public async Task<JsonObject> TokensAsync(string userId = Jordan, JsonObject? body = null)
    {
        var response = await ExchangeAsync(await CodeAsync(userId, body));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    // ---- the store ----

    public IReadOnlyList<AuditRow> AuditEntries(string? type = null)
    {
        using var connection = Service<Database>().Open();
        return connection.Query<AuditRow>(
            "SELECT log_id, type, description, client_id, client_name, user_id, user_name, impersonator_id, impersonator_email, ip, user_agent, details FROM audit_log WHERE @type IS NULL OR type = @type ORDER BY seq",
            new { type }).ToList();
    }

    public IReadOnlyList<JsonObject> DecisionRecords()
    {
        using var connection = Service<Database>().Open();
        return connection.Query<string>("SELECT record FROM decision_log ORDER BY seq").Select(r => JsonNode.Parse(r)!.AsObject()).ToList();
    }

    public T Scalar<T>(string sql, object? parameters = null)
    {
        using var connection = Service<Database>().Open();
        return connection.ExecuteScalar<T>(sql, parameters)!;
    }

    /// <summary>The current signing key's PKCS#8 PEM, as the store holds it.</summary>
    /// <summary>The current signing key's private PEM, as the server holds it (the store may hold it encrypted).</summary>
    public string SigningKeyPem() => Service<Rules.Host.OAuth.SigningKeys>().Key.Rsa.ExportPkcs8PrivateKeyPem();

    public void Execute(string sql, object? parameters = null)
    {
        using var connection = Service<Database>().Open();
        connection.Execute(sql, parameters);
    }

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
    }

    private static string CreateSeededTemplate()
    {
        var template = Path.Combine(Path.GetTempPath(), "rules-host-tests", "seeded-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(template);
        using (var factory = new RulesHostFactory())
        {
            factory.Services.GetRequiredService<Rules.Host.OAuth.SigningKeys>(); // inserts the signing key, so the copy carries it
            if (factory.Services.GetRequiredService<Database>() is not SqliteDatabase)
            {
                return template; // RULES_TEST_STORE=postgres: every server seeds its own schema
            }
            using var connection = factory.Services.GetRequiredService<Database>().Open();
            // A consistent single-file copy of the WAL-mode database.
            connection.Execute($"VACUUM INTO '{Path.Combine(template, "rules.db").Replace("'", "''")}'");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(template, recursive: true); } catch (IOException) { }
        };
        return template;
    }

    /// <summary>Test requests that come from another address name it in this header (the test server has no sockets).</summary>
    public const string ClientIpHeader = "X-Test-Client-Ip";

    /// <summary>
    /// The in-process server has no socket, so no client address: give every request one, as Kestrel would
    /// (<see cref="ClientIp"/>, or the address in <see cref="ClientIpHeader"/>).
    /// </summary>
    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(ClientIpHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }
                context.Connection.RemoteIpAddress ??= IPAddress.Parse(ClientIp);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

public sealed record AuditRow(
    string log_id, string type, string? description, string? client_id, string? client_name, string? user_id, string? user_name,
    string? impersonator_id, string? impersonator_email, string? ip, string? user_agent, string details)
{
    public JsonObject Details => JsonNode.Parse(details)!.AsObject();
}

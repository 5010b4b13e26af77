using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.OAuth;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary>Management API tokens minted with the server's own key, and clients that carry them.</summary>
internal static class ManagementApi
{
    /// <summary>The issuer of the in-process server (its requests come to http://localhost).</summary>
    public const string Issuer = "http://localhost/";

    public const string Audience = Issuer + "api/v2/";

    public const string AllScopes =
        "read:users update:users create:users read:rules create:rules update:rules delete:rules "
        + "read:rules_configs update:rules_configs delete:rules_configs read:logs "
        + "read:signing_keys create:signing_keys update:signing_keys";

    /// <summary>
    /// A server on the sample tenant minus its users' passwords: hashing seven sample passwords (PBKDF2) is most of a
    /// fresh server's start-up, and these tests create one per test. Passwords set through the API are still hashed.
    /// </summary>
    public static RulesHostFactory NewHost(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        all.TryAdd("Rules:SeedFile", FastSeed.Value);
        var factory = new RulesHostFactory(all);
        // Generating an RSA key is the other slow part of a first start; one key per test run is enough. The server
        // imports it from the legacy key file into its empty database, as an upgraded deployment's first start does.
        Directory.CreateDirectory(factory.DataDirectory);
        File.WriteAllText(Path.Combine(factory.DataDirectory, SigningKeys.FileName), SigningKeyPem.Value);
        return factory;
    }

    private static readonly Lazy<string> SigningKeyPem = new(() =>
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    });

    private static readonly Lazy<string> FastSeed = new(() =>
    {
        var samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples");
        var seed = JsonNode.Parse(File.ReadAllText(Path.Combine(samples, "tenant.json")))!.AsObject();
        foreach (var user in seed["users"]!.AsArray())
        {
            user!.AsObject().Remove("password");
        }
        seed["rulesDirectory"] = Path.Combine(samples, seed["rulesDirectory"]!.GetValue<string>());
        var path = Path.Combine(Path.GetTempPath(), "rules-host-tests", $"management-seed-{Environment.ProcessId}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, seed.ToJsonString());
        return path;
    });

    public static string Token(RulesHostFactory factory, string scope, TimeSpan? lifetime = null, string audience = Audience) =>
        factory.Services.GetRequiredService<JwtFactory>().Create(Issuer, audience,
            new JsonObject { ["sub"] = "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY@clients", ["scope"] = scope, ["gty"] = "client-credentials" },
            lifetime ?? TimeSpan.FromHours(1));

    public static HttpClient CreateManagementClient(this RulesHostFactory factory, string scope = AllScopes)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(factory, scope));
        return client;
    }

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object body) =>
        client.PatchAsync(url, JsonContent.Create(body));

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string url, string body, string contentType = "application/json") =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, contentType) });

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("null body");

    /// <summary>Asserts the Auth0 error shape and returns the message.</summary>
    public static async Task<string> Auth0ErrorAsync(this HttpResponseMessage response, int statusCode)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(statusCode, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        var body = JsonNode.Parse(text)!.AsObject();
        body["statusCode"]!.GetValue<int>().Should().Be(statusCode);
        body["error"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        body["errorCode"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        var message = body["message"]!.GetValue<string>();
        message.Should().NotContain("   at ", "no stack trace reaches the caller");
        return message;
    }

    public static async Task<string> LiveRuleSetVersionAsync(this HttpClient client)
    {
        var ready = await client.GetFromJsonAsync<JsonObject>("/readyz");
        return ready!["ruleSetVersion"]!.GetValue<string>();
    }

    public static async Task<string[]> LiveRuleNamesAsync(this HttpClient client)
    {
        var ready = await client.GetFromJsonAsync<JsonObject>("/readyz");
        return ready!["rules"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.OAuth;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Management;

namespace Rules.Host.Tests.Hostile;

/// <summary>
/// The limits only the real server enforces: the in-process test server has no header-size limit and no body-size
/// limit, so the catalogue cannot see them. Here the app runs on Kestrel on a loopback port, as <c>rules serve</c> does.
/// </summary>
public sealed class KestrelLimitTests : IDisposable
{
    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public KestrelLimitTests()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    [Fact]
    public async Task A_64_KB_header_is_refused_before_the_app_sees_it()
    {
        var before = UserCount();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/users")
        {
            Content = new StringContent("{\"connection\":\"Username-Password-Authentication\",\"email\":\"mallory@example.com\",\"password\":\"Str0ng-Passw0rd!\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token());
        request.Headers.TryAddWithoutValidation("X-Padding", new string('A', 64 * 1024));

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
        UserCount().Should().Be(before);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_with_auth0s_error()
    {
        var before = UserCount();
        var body = "{\"connection\":\"Username-Password-Authentication\",\"email\":\"mallory@example.com\",\"password\":\"Str0ng-Passw0rd!\",\"user_metadata\":{\"x\":\"" + new string('a', 300 * 1024) + "\"}}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/users") { Content = content };
        request.Headers.TransferEncodingChunked = true; // no Content-Length: the server must count as it reads
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());

        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, text);
        JsonNode.Parse(text)!["statusCode"]!.GetValue<int>().Should().Be(413, text);
        JsonNode.Parse(text)!["error"]!.GetValue<string>().Should().Be("Request Entity Too Large", "every 413 has one shape");
        JsonNode.Parse(text)!["errorCode"]!.GetValue<string>().Should().Be("payload_too_large", "every 413 has one shape");
        UserCount().Should().Be(before);
    }

    [Fact]
    public async Task A_login_form_over_the_limit_gets_the_login_page_again_not_a_server_error()
    {
        using var response = await _client.PostAsync("/login?" + Login.LoginBrowser.Query(),
            new StringContent("email=x%40example.com&password=" + new string('p', 300 * 1024), Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();

        // The antiforgery check is what reads the form; a form Kestrel cut off cannot carry a valid token, so the
        // page asks again (400) rather than answering the bare 413 a browser would show as an error.
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        text.Should().NotContain("   at ").And.NotContain("Exception").And.NotContain(new string('p', 100));
    }

    private string Token()
    {
        var issuer = _client.BaseAddress!.GetLeftPart(UriPartial.Authority) + "/";
        return _factory.Services.GetRequiredService<JwtFactory>().Create(issuer, issuer + "api/v2/",
            new JsonObject { ["sub"] = HostHarness.ToolingClientId + "@clients", ["scope"] = ManagementApi.AllScopes }, TimeSpan.FromHours(1));
    }

    private long UserCount()
    {
        using var connection = _factory.Services.GetRequiredService<Rules.Host.Storage.Database>().Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM users";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}

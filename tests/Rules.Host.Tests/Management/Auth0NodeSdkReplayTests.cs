using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary>
/// Replays the requests Auth0's Node SDK (<c>auth0</c> v4 ManagementClient) sent for every Management API endpoint we
/// serve, recorded by tools/sdk-fixtures/record.mjs against `rules serve` on the sample tenant, and checks each answer
/// keeps the status and the shape (fields) the SDK got then. The SDK's own token request comes first and its token
/// is used for the rest, as the SDK does. CI needs no npm: re-record only when the API or the SDK changes.
/// </summary>
public sealed class Auth0NodeSdkReplayTests : IDisposable
{
    private static readonly string FixturePath = Path.Combine(RulesHostFactory.RepositoryRoot, "tests", "Rules.Host.Tests", "Management", "Fixtures", "auth0-node-sdk.json");

    private readonly RulesHostFactory _factory = ManagementApi.NewHost();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void The_fixtures_cover_every_management_endpoint_the_sdk_has_a_method_for()
    {
        var calls = Steps().Select(s => s["call"]!.GetValue<string>()).ToHashSet();
        calls.Should().Contain([
            "token provider: client_credentials",
            "users.getAll", "users.getAll include_totals", "users.getAll q", "users.get", "users.get missing", "users.create", "users.update",
            "usersByEmail.getByEmail", "users.getRoles", "users.assignRoles", "users.deleteRoles",
            "roles.getAll", "roles.create", "roles.get", "roles.update", "roles.delete", "roles.getUsers", "roles.assignUsers",
            "rules.getAll", "rules.create", "rules.get", "rules.update", "rules.delete",
            "rulesConfigs.getAll", "rulesConfigs.set", "rulesConfigs.delete",
            "logs.getAll", "logs.get", "keys.getAll", "keys.rotate",
        ]);
    }

    [Fact]
    public async Task Every_recorded_sdk_request_gets_the_answer_the_sdk_got()
    {
        // The harness gives requests a client address, as Kestrel does, so log entries carry their ip as they did.
        using var host = new HostHarness();
        var client = host.Client;
        var values = new Dictionary<string, string>
        {
            ["{client_secret}"] = HostHarness.ToolingSecret,
            ["{audience}"] = Uri.EscapeDataString(ManagementApi.Audience),
        };
        foreach (var step in Steps())
        {
            var call = step["call"]!.GetValue<string>();
            var recorded = step["request"]!.AsObject();
            var expected = step["response"]!.AsObject();
            using var request = Request(recorded, values);

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().Be(expected["status"]!.GetValue<int>(), "{0} ({1} {2}) answered {3}", call, request.Method, request.RequestUri, text);
            var body = text.Length == 0 ? null : JsonNode.Parse(text);
            CheckShape(call, expected, body);

            if (call == "token provider: client_credentials")
            {
                values["{token}"] = body!["access_token"]!.GetValue<string>();
            }
            foreach (var (name, field) in step["capture"]?.AsObject() ?? [])
            {
                var source = body is JsonArray array ? array[0]! : body!;
                values["{" + name + "}"] = source[field!.GetValue<string>()]!.GetValue<string>();
            }
        }
    }

    [Fact]
    public async Task Users_by_email_answers_an_array_of_profiles_or_an_empty_one_and_needs_the_email()
    {
        using var client = _factory.CreateManagementClient();
        var found = (await (await client.GetAsync("/api/v2/users-by-email?email=JORDAN.LEE@gmail.com")).JsonAsync()).AsArray();
        found.Should().ContainSingle().Which!["user_id"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        found[0]!.ToJsonString().Should().NotContain("password");
        (await (await client.GetAsync("/api/v2/users-by-email?email=nobody@example.com")).JsonAsync()).AsArray().Should().BeEmpty();
        (await (await client.GetAsync("/api/v2/users-by-email")).Auth0ErrorAsync(400)).Should().Contain("email");
        using var noScope = _factory.CreateManagementClient("read:rules");
        await (await noScope.GetAsync("/api/v2/users-by-email?email=jordan.lee@gmail.com")).Auth0ErrorAsync(403);
    }

    private static IEnumerable<JsonObject> Steps() =>
        JsonNode.Parse(File.ReadAllText(FixturePath))!["steps"]!.AsArray().Select(s => s!.AsObject());

    private static HttpRequestMessage Request(JsonObject recorded, IReadOnlyDictionary<string, string> values)
    {
        string Fill(string text) => values.Aggregate(text, (current, value) => current.Replace(value.Key, value.Value));

        var query = string.Join("&", (recorded["query"]?.AsObject() ?? []).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(Fill(p.Value!.GetValue<string>()))}"));
        var url = Fill(recorded["path"]!.GetValue<string>()) + (query.Length > 0 ? "?" + query : "");
        var request = new HttpRequestMessage(new HttpMethod(recorded["method"]!.GetValue<string>()), url);
        var headers = recorded["headers"]!.AsObject();
        if (recorded["body"]?.GetValue<string>() is { } body)
        {
            request.Content = new StringContent(Fill(body), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(headers["content-type"]!.GetValue<string>());
        }
        foreach (var (name, value) in headers)
        {
            if (name != "content-type")
            {
                request.Headers.TryAddWithoutValidation(name, Fill(value!.GetValue<string>()));
            }
        }
        return request;
    }

    /// <summary>The answer has the JSON type the SDK got, and at least the fields it got (an object's, or an array item's).</summary>
    private static void CheckShape(string call, JsonObject expected, JsonNode? body)
    {
        switch (expected["type"]!.GetValue<string>())
        {
            case "empty":
                body.Should().BeNull(call);
                break;
            case "object":
                body.Should().BeOfType<JsonObject>(call);
                body!.AsObject().Select(p => p.Key).Should().Contain(Keys(expected["keys"]), call);
                break;
            case "array":
                body.Should().BeOfType<JsonArray>(call);
                var itemKeys = Keys(expected["itemKeys"]);
                if (itemKeys.Count > 0)
                {
                    body!.AsArray().Should().NotBeEmpty(call);
                    body!.AsArray()[0]!.AsObject().Select(p => p.Key).Should().Contain(itemKeys, call);
                }
                else
                {
                    body!.AsArray().Should().BeEmpty(call);
                }
                break;
        }
    }

    private static List<string> Keys(JsonNode? keys) => keys?.AsArray().Select(k => k!.GetValue<string>()).ToList() ?? [];
}

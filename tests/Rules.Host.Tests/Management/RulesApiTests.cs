using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

public sealed class RulesApiTests : IDisposable
{
    private const string AllowRule = "function (user, context, callback) {\n  callback(null, user, context);\n}";

    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public RulesApiTests() => _client = _factory.CreateManagementClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task The_list_holds_auth0_rule_objects_in_execution_order()
    {
        var rules = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!;

        rules.Should().HaveCount(7);
        rules.Select(r => r!["order"]!.GetValue<long>()).Should().BeInAscendingOrder();
        rules.Select(r => r!["name"]!.GetValue<string>()).Should().Equal(await _client.LiveRuleNamesAsync());
        var first = rules[0]!.AsObject();
        first.Select(p => p.Key).Should().BeEquivalentTo("id", "name", "script", "order", "enabled", "stage");
        first["id"]!.GetValue<string>().Should().MatchRegex("^rul_[0-9a-f]{16}$");
        first["stage"]!.GetValue<string>().Should().Be("login_success");
        first["enabled"]!.GetValue<bool>().Should().BeTrue();

        var one = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/rules/" + first["id"]!.GetValue<string>()))!;
        one.ToJsonString().Should().Be(first.ToJsonString());
    }

    [Fact]
    public async Task The_list_pages_and_filters_like_auth0()
    {
        var page = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/rules?page=1&per_page=3&include_totals=true"))!;
        page["start"]!.GetValue<int>().Should().Be(3);
        page["limit"]!.GetValue<int>().Should().Be(3);
        page["total"]!.GetValue<int>().Should().Be(7);
        page["rules"]!.AsArray().Should().HaveCount(3);

        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules?enabled=false"))!.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_rule_is_404()
    {
        (await (await _client.GetAsync("/api/v2/rules/rul_0000000000000000")).Auth0ErrorAsync(404)).Should().Be("The rule does not exist.");
        await (await _client.PatchJsonAsync("/api/v2/rules/rul_0000000000000000", new { enabled = false })).Auth0ErrorAsync(404);
        await (await _client.DeleteAsync("/api/v2/rules/rul_0000000000000000")).Auth0ErrorAsync(404);
    }

    [Fact]
    public async Task Creating_a_rule_makes_it_live_before_the_response_returns()
    {
        var before = await _client.LiveRuleSetVersionAsync();

        var response = await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Allow everyone", script = AllowRule, order = 0 });

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var rule = await response.JsonAsync();
        rule["name"]!.GetValue<string>().Should().Be("Allow everyone");
        rule["order"]!.GetValue<long>().Should().Be(0);
        rule["enabled"]!.GetValue<bool>().Should().BeTrue();
        rule["stage"]!.GetValue<string>().Should().Be("login_success");
        response.Headers.Location!.ToString().Should().Be("/api/v2/rules/" + rule["id"]!.GetValue<string>());

        var version = response.Headers.GetValues("X-Rules-Version").Single();
        version.Should().NotBe(before);
        (await _client.LiveRuleSetVersionAsync()).Should().Be(version);
        var live = await _client.LiveRuleNamesAsync();
        live.Should().HaveCount(8);
        live[0].Should().Be("Allow everyone", "order 0 runs first");
    }

    [Fact]
    public async Task A_rule_without_an_order_goes_last()
    {
        var rule = await (await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Last one", script = AllowRule })).JsonAsync();
        rule["order"]!.GetValue<long>().Should().Be(8);
        (await _client.LiveRuleNamesAsync()).Last().Should().Be("Last one");
    }

    [Fact]
    public async Task A_rule_that_does_not_compile_is_400_with_file_line_col_and_nothing_changes()
    {
        var before = await _client.LiveRuleSetVersionAsync();

        var response = await _client.PostAsJsonAsync("/api/v2/rules", new
        {
            name = "Broken",
            script = "function (user, context, callback) {\n  var x = ;\n  callback(null, user, context);\n}",
        });

        var message = await response.Auth0ErrorAsync(400);
        message.Should().Contain("rules/Broken.js:2:11: error:");
        message.Should().Contain("nothing was saved");
        (await _client.LiveRuleSetVersionAsync()).Should().Be(before);
        (await _client.LiveRuleNamesAsync()).Should().HaveCount(7);
        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!.Should().HaveCount(7);
    }

    [Fact]
    public async Task A_file_that_is_not_one_function_is_refused_too()
    {
        var response = await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Two things", script = AllowRule + "\nvar leaked = 1;" });
        (await response.Auth0ErrorAsync(400)).Should().MatchRegex(@"rules/Two things\.js:\d+:\d+: error:");
    }

    [Fact]
    public async Task Patching_a_script_that_breaks_the_set_keeps_the_old_script_live()
    {
        var rule = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))![2]!;
        var id = rule["id"]!.GetValue<string>();
        var name = rule["name"]!.GetValue<string>();
        var before = await _client.LiveRuleSetVersionAsync();

        var response = await _client.PatchJsonAsync("/api/v2/rules/" + id, new { script = "function (user, context, callback) {\n  callback(null, user, context);\n" });

        (await response.Auth0ErrorAsync(400)).Should().MatchRegex($@"rules/{System.Text.RegularExpressions.Regex.Escape(name)}\.js:\d+:\d+: error:");
        (await _client.LiveRuleSetVersionAsync()).Should().Be(before);
        var stored = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/rules/" + id))!;
        stored["script"]!.GetValue<string>().Should().Be(rule["script"]!.GetValue<string>());
    }

    [Fact]
    public async Task Disabling_renaming_and_reordering_are_live_at_once()
    {
        var rules = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!;
        var first = rules[0]!["id"]!.GetValue<string>();

        var response = await _client.PatchJsonAsync("/api/v2/rules/" + first, new { enabled = false });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync())["enabled"]!.GetValue<bool>().Should().BeFalse();
        (await _client.LiveRuleSetVersionAsync()).Should().Be(response.Headers.GetValues("X-Rules-Version").Single());
        (await _client.LiveRuleNamesAsync()).Should().HaveCount(6, "/readyz lists the enabled rules");

        var last = rules[6]!["id"]!.GetValue<string>();
        var moved = await (await _client.PatchJsonAsync("/api/v2/rules/" + last, new { name = "Counted first", order = 0 })).JsonAsync();
        moved["name"]!.GetValue<string>().Should().Be("Counted first");
        moved["script"]!.GetValue<string>().Should().Be(rules[6]!["script"]!.GetValue<string>(), "fields not sent stay as they were");
        (await _client.LiveRuleNamesAsync())[0].Should().Be("Counted first");
    }

    [Fact]
    public async Task Deleting_a_rule_removes_it_from_the_live_set()
    {
        var rule = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))![0]!;
        var id = rule["id"]!.GetValue<string>();

        var response = await _client.DeleteAsync("/api/v2/rules/" + id);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.LiveRuleSetVersionAsync()).Should().Be(response.Headers.GetValues("X-Rules-Version").Single());
        (await _client.LiveRuleNamesAsync()).Should().HaveCount(6).And.NotContain(rule["name"]!.GetValue<string>());
        (await _client.GetAsync("/api/v2/rules/" + id)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rule_names_are_unique()
    {
        var existing = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!;
        var name = existing[0]!["name"]!.GetValue<string>();

        await (await _client.PostAsJsonAsync("/api/v2/rules", new { name, script = AllowRule })).Auth0ErrorAsync(409);
        await (await _client.PatchJsonAsync("/api/v2/rules/" + existing[1]!["id"]!.GetValue<string>(), new { name })).Auth0ErrorAsync(409);
    }

    [Fact]
    public async Task The_whole_set_is_held_to_the_sandbox_source_limit()
    {
        var padding = "// " + new string('x', 100 * 1024) + "\n";
        var response = await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Too big", script = padding + AllowRule });

        (await response.Auth0ErrorAsync(400)).Should().Contain("limit");
        (await _client.LiveRuleNamesAsync()).Should().HaveCount(7);
    }

    [Theory]
    [InlineData("""{ "script": "function (u, c, cb) { cb(null, u, c); }" }""", "name")]
    [InlineData("""{ "name": "No script" }""", "script")]
    [InlineData("""{ "name": "x", "script": 5 }""", "script")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }", "order": -1 }""", "order")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }", "order": 1.5 }""", "order")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }", "enabled": "true" }""", "enabled")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }", "stage": "pre_authorize" }""", "stage")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }", "id": "rul_mine" }""", "id")]
    [InlineData("""{ "name": " padded ", "script": "function (u, c, cb) { cb(null, u, c); }" }""", "name")]
    [InlineData("""{ "name": "x", "script": "function (u, c, cb) { cb(null, u, c); }" """, "JSON")]
    public async Task Bad_rule_bodies_are_400(string body, string mentions)
    {
        var response = await _client.SendRawAsync(HttpMethod.Post, "/api/v2/rules", body);
        (await response.Auth0ErrorAsync(400)).Should().Contain(mentions);
        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!.Should().HaveCount(7);
    }

    [Fact]
    public async Task Concurrent_writes_are_serialised_and_every_one_is_live()
    {
        var creates = Enumerable.Range(0, 6).Select(i => _client.PostAsJsonAsync("/api/v2/rules", new { name = $"Concurrent {i}", script = AllowRule }));
        var responses = await Task.WhenAll(creates);

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Created);
        (await _client.LiveRuleNamesAsync()).Should().HaveCount(13);
        var orders = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!.Select(r => r!["order"]!.GetValue<long>());
        orders.Should().OnlyHaveUniqueItems("each create saw the one before it");
    }
}

/// <summary>With --rules, the directory is the source of truth and the rules API only reads.</summary>
public sealed class RulesApiReadOnlyTests : IDisposable
{
    private readonly TempRulesDirectory _directory = new();
    private readonly RulesHostFactory _factory;
    private readonly HttpClient _client;

    public RulesApiReadOnlyTests()
    {
        _directory.Write("allow-all.js", "function (user, context, callback) {\n  callback(null, user, context);\n}");
        _directory.Write("rules.json", """{ "rules": [ { "file": "allow-all.js", "name": "Allow all" } ], "configuration": { "SECRET_KEY": "s3cr3t-value" } }""");
        _factory = ManagementApi.NewHost(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = _directory.Rules });
        _client = _factory.CreateManagementClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Reads_show_the_directory_rules_that_are_live()
    {
        var rules = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))!;
        rules.Should().ContainSingle();
        rules[0]!["name"]!.GetValue<string>().Should().Be("Allow all");
        var id = rules[0]!["id"]!.GetValue<string>();
        (await _client.GetAsync("/api/v2/rules/" + id)).StatusCode.Should().Be(HttpStatusCode.OK);

        var keys = await _client.GetStringAsync("/api/v2/rules-configs");
        keys.Should().Contain("SECRET_KEY").And.NotContain("s3cr3t-value");
    }

    [Fact]
    public async Task Every_write_is_refused_with_a_message_naming_the_directory()
    {
        var before = await _client.LiveRuleSetVersionAsync();
        var id = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))![0]!["id"]!.GetValue<string>();

        var writes = new[]
        {
            await _client.PostAsJsonAsync("/api/v2/rules", new { name = "New", script = "function (u, c, cb) { cb(null, u, c); }" }),
            await _client.PatchJsonAsync("/api/v2/rules/" + id, new { enabled = false }),
            await _client.DeleteAsync("/api/v2/rules/" + id),
            await _client.PutAsJsonAsync("/api/v2/rules-configs/SECRET_KEY", new { value = "changed" }),
            await _client.DeleteAsync("/api/v2/rules-configs/SECRET_KEY"),
        };

        foreach (var response in writes)
        {
            var message = await response.Auth0ErrorAsync(409);
            message.Should().Contain("directory").And.Contain(_directory.Rules);
        }
        (await _client.LiveRuleSetVersionAsync()).Should().Be(before);
    }
}

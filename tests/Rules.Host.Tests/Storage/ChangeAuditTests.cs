using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Storage;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// Every kind of change leaves its audit entry, on both stores: who (client, operator, directory or import), what
/// (type and id), the object's hashes before and after, and for rules the unified diff of the script; rules-config
/// values and passwords never appear. The chain still verifies afterwards.
/// </summary>
public sealed class ChangeAuditTests : IDisposable
{
    private const string Allow = "function (user, context, callback) {\n  callback(null, user, context);\n}\n";
    private const string Tagging = "function (user, context, callback) {\n  context.idToken['https://example.com/tag'] = 'v2';\n  callback(null, user, context);\n}\n";
    private const string Secret = "s3cr3t-api-key-value";
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);
    private static readonly ChangeActor Client = ChangeActor.Client("mgmt-client");
    private readonly FixedClock _clock = new(Now);
    private readonly TempRulesDirectory _dir = new();

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Rule_and_rules_config_changes_name_the_actor_hashes_and_the_scripts_diff(string kind)
    {
        using var store = TestStore.Create(kind);
        var editor = Editor(store.Database, out _);
        var operatorActor = ChangeActor.Operator("auth0|ops", "ops@example.com");

        var created = editor.CreateRule(new RuleCreateRequest("tag", Allow, null, null), Client).Value!;
        editor.UpdateRule(created.Id, new RuleUpdateRequest(null, Tagging, null, null), operatorActor).IsError.Should().BeFalse();
        editor.SetConfig("API_KEY", Secret, Client).IsError.Should().BeFalse();
        editor.SetConfig("API_KEY", Secret + "-rotated", Client).IsError.Should().BeFalse();
        editor.DeleteConfig("API_KEY", Client).IsError.Should().BeFalse();
        editor.DeleteRule(created.Id, Client).IsError.Should().BeFalse();

        var entries = Entries(store.Database);
        entries.Select(e => e["type"]!.GetValue<string>()).Should().Equal(
            ChangeEntries.RuleCreated, ChangeEntries.RuleUpdated, ChangeEntries.ConfigSet, ChangeEntries.ConfigSet, ChangeEntries.ConfigDeleted, ChangeEntries.RuleDeleted);

        var create = entries[0];
        create["client_id"]!.GetValue<string>().Should().Be("mgmt-client");
        Details(create)["actor"]!.ToJsonString().Should().Be("""{"kind":"client","id":"mgmt-client"}""");
        Details(create)["object"]!["id"]!.GetValue<string>().Should().Be(created.Id);
        Details(create)["before_hash"].Should().BeNull();
        Details(create)["after_hash"]!.GetValue<string>().Should().StartWith("sha256:");

        var update = entries[1];
        update["user_id"]!.GetValue<string>().Should().Be("auth0|ops");
        Details(update)["actor"]!["kind"]!.GetValue<string>().Should().Be("operator");
        Details(update)["before_hash"]!.GetValue<string>().Should().Be(Details(create)["after_hash"]!.GetValue<string>());
        Details(update)["changed"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal("script");
        Details(update)["diff"]!.GetValue<string>().Should().Contain("--- a/rules/tag.js").And.Contain("+++ b/rules/tag.js")
            .And.Contain("+  context.idToken['https://example.com/tag'] = 'v2';");

        Details(entries[2])["value"]!.GetValue<string>().Should().Be("added");
        Details(entries[3])["value"]!.GetValue<string>().Should().Be("changed");
        Details(entries[4])["value"]!.GetValue<string>().Should().Be("removed");
        Details(entries[5])["after_hash"].Should().BeNull();
        Details(entries[5])["diff"]!.GetValue<string>().Should().Contain("+++ /dev/null");
        entries.Should().AllSatisfy(e => e.ToJsonString().Should().NotContain(Secret, "rules-config values are secrets"));
        AuditChainVerifier.Verify(store.Database).Problems.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_refused_rule_change_leaves_no_change_entry(string kind)
    {
        using var store = TestStore.Create(kind);
        var editor = Editor(store.Database, out _);

        editor.CreateRule(new RuleCreateRequest("broken", "function (user, context, callback) {", null, null), Client).IsError.Should().BeTrue();

        Entries(store.Database).Should().BeEmpty("nothing was saved, so nothing changed");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void User_changes_name_the_fields_that_changed_but_never_the_password(string kind)
    {
        using var store = TestStore.Create(kind);
        var tenant = new TenantStore(store.Database, _clock);
        var user = new TenantUser("auth0|sam", "sam@example.com", "Username-Password-Authentication", false, 0,
            new JsonObject { ["name"] = "Sam" }, Passwords.Hash("auth0|sam", "first-password"), Now, Now);

        tenant.CreateUser(user, Client).Should().Be(UserWriteStatus.Done);
        tenant.ChangeUser("auth0|sam", u => u with { Blocked = true, PasswordHash = Passwords.Hash("auth0|sam", "second-password") }, Client).Status
            .Should().Be(UserWriteStatus.Done);

        var entries = Entries(store.Database);
        entries.Select(e => e["type"]!.GetValue<string>()).Should().Equal(ChangeEntries.UserCreated, ChangeEntries.UserUpdated);
        entries.Should().AllSatisfy(e => e["user_id"]!.GetValue<string>().Should().Be("auth0|sam"));
        Details(entries[1])["changed"]!.AsArray().Select(f => f!.GetValue<string>()).Should().Equal("blocked", "password");
        Details(entries[1])["before_hash"]!.GetValue<string>().Should().NotBe(Details(entries[1])["after_hash"]!.GetValue<string>());
        entries.Should().AllSatisfy(e => e.ToJsonString().Should().NotContain("password\":").And.NotContain(user.PasswordHash!));
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Signing_key_rotations_and_impersonation_settings_are_audited(string kind)
    {
        using var store = TestStore.Create(kind);
        var keys = new SigningKeys(store.Database, Options.Create(new RulesHostOptions { DataDirectory = _dir.Root }), _clock);
        var retired = keys.KeyId;
        var tenant = new TenantStore(store.Database, _clock);

        var rotated = keys.Rotate(Client);
        tenant.SaveSettings(tenant.GetSettings() with { ImpersonationEnabled = true, Impersonators = ["admin@example.com"] },
            ChangeActor.Settings("Rules:ImpersonationEnabled"));

        var entries = Entries(store.Database);
        entries.Select(e => e["type"]!.GetValue<string>()).Should().Equal(ChangeEntries.SigningKeyRotated, ChangeEntries.SettingsChanged);
        Details(entries[0])["before_hash"]!.GetValue<string>().Should().Be(retired);
        Details(entries[0])["after_hash"]!.GetValue<string>().Should().Be(rotated.KeyId);
        Details(entries[0]).ToJsonString().Should().NotContain("PRIVATE KEY");
        Details(entries[1])["actor"]!["kind"]!.GetValue<string>().Should().Be("settings");
        Details(entries[1])["after"]!["impersonators"]!.AsArray().Select(i => i!.GetValue<string>()).Should().Equal("admin@example.com");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_import_and_a_watched_directory_are_named_with_each_files_hash(string kind)
    {
        using var store = TestStore.Create(kind);
        _dir.Write("tag.js", Allow);
        _dir.Write("rules.json", """{ "rules": [ { "file": "tag.js", "name": "tag" } ], "configuration": { "API_KEY": "s3cr3t-api-key-value" } }""");

        RuleSetDatabaseImport.Import(_dir.Rules, store.Database, new Rules.Engine.Sandbox.SandboxOptions(), Now);

        var imported = Entries(store.Database);
        imported.Select(e => e["type"]!.GetValue<string>()).Should().Equal(ChangeEntries.RuleCreated, ChangeEntries.ConfigSet);
        Details(imported[0])["actor"]!.ToJsonString().Should().Be(new JsonObject { ["kind"] = "import", ["id"] = Path.GetFullPath(_dir.Rules) }.ToJsonString());
        Details(imported[0])["file_hash"]!.GetValue<string>().Should().Be(ChangeActor.Sha256(Allow));

        // Served from the directory: the first load is compared with nothing yet live from it, an edit with what was.
        using var provider = Provider(store.Database, _dir.Rules);
        provider.Start();
        _dir.Write("tag.js", Tagging);
        provider.Reload();

        var served = Entries(store.Database).Skip(2).ToList();
        served.Select(e => e["type"]!.GetValue<string>()).Should().Equal(ChangeEntries.RuleCreated, ChangeEntries.ConfigSet, ChangeEntries.RuleUpdated);
        var edit = Details(served[2]);
        edit["actor"]!["kind"]!.GetValue<string>().Should().Be("directory");
        edit["file_hash"]!.GetValue<string>().Should().Be(ChangeActor.Sha256(Tagging));
        edit["diff"]!.GetValue<string>().Should().Contain("+  context.idToken['https://example.com/tag'] = 'v2';");
        Entries(store.Database).Should().AllSatisfy(e => e.ToJsonString().Should().NotContain(Secret));
        AuditChainVerifier.Verify(store.Database).Problems.Should().BeEmpty();
    }

    private RuleSetEditor Editor(Database database, out RuleSetProvider provider)
    {
        provider = Provider(database, null);
        provider.Start();
        return new RuleSetEditor(database, provider, new AuditLog(database), _clock, NullLogger<RuleSetEditor>.Instance);
    }

    private RuleSetProvider Provider(Database database, string? rulesDirectory)
    {
        var options = Options.Create(new RulesHostOptions { DataDirectory = _dir.Root, RulesDirectory = rulesDirectory });
        var metrics = new RulesMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        return new RuleSetProvider(database, options, NullLogger<RuleSetProvider>.Instance, metrics, new LastGoodRuleSet(database, _clock), clock: _clock);
    }

    /// <summary>The change entries, oldest first, as GET /api/v2/logs returns them.</summary>
    private static List<JsonObject> Entries(Database database) =>
        new AuditLogSearch(database).Find(new LogFilter(), 0, 100).Logs.Reverse().ToList();

    private static JsonObject Details(JsonObject entry) => entry["details"]!.AsObject();

    public void Dispose() => _dir.Dispose();
}

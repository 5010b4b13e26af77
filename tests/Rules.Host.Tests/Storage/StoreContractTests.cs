using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Impersonation;
using Rules.Host.Login;
using Rules.Host.Management;
using Rules.Host.OAuth;
using Rules.Host.RuleSets;
using Rules.Host.Storage;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// What every store must do, run unchanged against the embedded SQLite file and a shared PostgreSQL: the schema,
/// the tenant's users, single-use links and codes under concurrency, all-or-nothing writes, the audit trail and its
/// searches, the rule tables and the change counters other instances poll.
/// </summary>
public sealed class StoreContractTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);
    private readonly FixedClock _clock = new(Now);
    private readonly IOptions<RulesHostOptions> _options = Options.Create(new RulesHostOptions());

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void The_schema_is_created_at_the_latest_version_once_when_instances_start_together(string kind)
    {
        using var store = TestStore.Create(kind);
        var others = Enumerable.Range(0, 4).Select(_ => store.OpenAnother()).ToArray();

        Parallel.ForEach(others, database => database.Migrate());

        var latest = kind == TestStore.Postgres ? PostgresMigrations.All.Max(m => m.Version) : SqliteMigrations.All.Max(m => m.Version);
        latest.Should().Be(SqliteMigrations.All.Max(m => m.Version), "both stores have the same numbered schema history");
        others.Should().AllSatisfy(database => database.SchemaVersion().Should().Be(latest));
        using var connection = store.Database.Open();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM revisions").Should().Be(2, "a version applied twice would have failed or duplicated its rows");
        foreach (var database in others)
        {
            database.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Stored_npm_packages_come_back_as_written_and_a_change_bumps_the_rules_revision(string kind)
    {
        using var store = TestStore.Create(kind);
        var files = new Dictionary<string, string> { ["index.js"] = "module.exports = 'é';", ["package.json"] = "{}" };
        var package = new Rules.Engine.Modules.LockedPackage("tiny", "1.0.0", "sha512-x", null, new Dictionary<string, string> { ["dep"] = "2.0.0" },
            Rules.Engine.Modules.PackageFiles.Hash(files), Direct: false);
        long Revision() { using var c = store.Database.Open(); return c.ExecuteScalar<long>("SELECT value FROM revisions WHERE name = 'rules'"); }
        var before = Revision();

        store.Database.InTransaction((connection, transaction) =>
        {
            Rules.Host.Modules.StoredPackages.Replace(connection, transaction, new Rules.Engine.Modules.ModulesLock([package]),
                new Dictionary<string, IReadOnlyDictionary<string, string>> { [package.Key] = files }, Now);
            return 0;
        });

        Revision().Should().BeGreaterThan(before);
        var read = store.Database.InSnapshot((connection, transaction) => Rules.Host.Modules.StoredPackages.Read(connection, transaction))!;
        read.Lock.Packages.Should().ContainSingle().Which.Should().BeEquivalentTo(package);
        read.Find("tiny", null)!.Files.Should().BeEquivalentTo(files);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Users_are_found_by_email_and_searched_ignoring_case(string kind)
    {
        using var store = TestStore.Create(kind);
        var tenant = new TenantStore(store.Database, _clock);
        tenant.CreateUser(User("auth0|1", "Jordan.Lee@Example.com", "Jordan Lee")).Should().Be(UserWriteStatus.Done);
        tenant.CreateUser(User("auth0|2", "sam@example.com", "Sam Rivera")).Should().Be(UserWriteStatus.Done);

        tenant.FindUserByEmail("jordan.lee@example.COM", "Username-Password-Authentication")!.UserId.Should().Be("auth0|1");
        tenant.FindUserByEmail("jordan.lee@example.com", "other-connection").Should().BeNull();
        tenant.ListUsers("JORDAN", 0, 10).Users.Select(u => u.UserId).Should().Equal("auth0|1");
        tenant.ListUsers("name:sam*", 0, 10).Users.Select(u => u.UserId).Should().Equal("auth0|2");
        tenant.ListUsers("email:\"SAM@EXAMPLE.COM\"", 0, 10).Users.Select(u => u.UserId).Should().Equal("auth0|2");
        tenant.ListUsers("100%", 0, 10).Total.Should().Be(0, "% is matched literally");
        var page = tenant.ListUsers(null, 1, 1);
        page.Total.Should().Be(2);
        page.Users.Should().ContainSingle();
        tenant.GetUser("auth0|1")!.Profile["name"]!.GetValue<string>().Should().Be("Jordan Lee");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Concurrent_creates_of_one_email_give_exactly_one_user(string kind)
    {
        using var store = TestStore.Create(kind);
        var tenant = new TenantStore(store.Database, _clock);

        var results = Enumerable.Range(0, 12).AsParallel().WithDegreeOfParallelism(12)
            .Select(i => (Id: $"auth0|c{i}", Status: tenant.CreateUser(User($"auth0|c{i}", i % 2 == 0 ? "same@example.com" : "SAME@example.com", "Same")))).ToArray();

        var created = results.Should().ContainSingle(r => r.Status == UserWriteStatus.Done).Subject;
        results.Count(r => r.Status == UserWriteStatus.DuplicateEmail).Should().Be(11);
        tenant.CreateUser(User(created.Id, "other@example.com", "Other")).Should().Be(UserWriteStatus.DuplicateUserId);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Concurrent_changes_to_one_user_are_all_kept(string kind)
    {
        using var store = TestStore.Create(kind);
        var tenant = new TenantStore(store.Database, _clock);
        tenant.CreateUser(User("auth0|1", "jordan@example.com", "Jordan"));

        Parallel.For(0, 10, new ParallelOptions { MaxDegreeOfParallelism = 10 }, i =>
        {
            tenant.IncrementLoginsCount("auth0|1");
            tenant.ChangeUser("auth0|1", user => user with
            {
                Profile = new JsonObject(user.Profile.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))
                {
                    ["user_metadata"] = TenantStore.MergeMetadata(user.Profile["user_metadata"] as JsonObject, new JsonObject { [$"k{i}"] = i }),
                },
            }).Status.Should().Be(UserWriteStatus.Done);
            store.Database.Write(writes => tenant.ApplyMetadataUpdates(writes,
                [new MetadataUpdate(MetadataKind.AppMetadata, "auth0|1", new JsonObject { [$"a{i}"] = true }, "rule")]));
        });

        var user = tenant.GetUser("auth0|1")!;
        user.LoginsCount.Should().Be(10);
        user.Profile["user_metadata"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => $"k{i}"), "no read-modify-write lost another's change");
        user.Profile["app_metadata"]!.AsObject().Count.Should().Be(10);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_link_is_redeemed_once_however_many_redeem_it_at_once(string kind)
    {
        using var store = TestStore.Create(kind);
        var links = new ImpersonationLinkStore(store.Database);
        var request = ImpersonationRequest();
        store.Database.Write(writes =>
        {
            links.Insert(writes, Secrets.Hash("race"), request, Now, Now.AddMinutes(5));
            links.Insert(writes, Secrets.Hash("late"), request, Now, Now.AddMinutes(5));
        });
        // Two handles, as two instances sharing the store would have.
        using var other = store.OpenAnother();
        var otherLinks = new ImpersonationLinkStore(other);

        var redeemed = Enumerable.Range(0, 50).AsParallel().WithDegreeOfParallelism(16)
            .Select(i => (i % 2 == 0 ? links : otherLinks).Consume("race", Now.AddMinutes(1))).ToArray();

        var winner = redeemed.Should().ContainSingle(r => r != null).Subject!;
        winner.UserId.Should().Be("auth0|jordan");
        winner.ImpersonatorId.Should().Be("auth0|priya");
        winner.Parameters.Should().BeEquivalentTo(request.Parameters);
        links.Consume("late", Now.AddMinutes(6)).Should().BeNull("it expired");
        links.Consume("unknown", Now).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_code_is_exchanged_once_however_many_exchange_it_at_once(string kind)
    {
        using var store = TestStore.Create(kind);
        var codes = new AuthorizationCodeStore(store.Database, _clock, _options);
        string code = "";
        store.Database.Write(writes => code = codes.Issue(writes, Grant()));
        using var other = store.OpenAnother();
        var otherCodes = new AuthorizationCodeStore(other, _clock, _options);

        var redeemed = Enumerable.Range(0, 50).AsParallel().WithDegreeOfParallelism(16)
            .Select(i => (i % 2 == 0 ? codes : otherCodes).Redeem(code)).ToArray();

        var winner = redeemed.Should().ContainSingle(r => r != null).Subject!;
        winner.ClientId.Should().Be("client-1");
        winner.Grant.Scopes.Should().Equal("openid", "email");
        winner.Grant.Profile["email"]!.GetValue<string>().Should().Be("jordan@example.com");

        string expiring = "";
        store.Database.Write(writes => expiring = codes.Issue(writes, Grant()));
        _clock.Advance(_options.Value.CodeLifetime + TimeSpan.FromSeconds(1));
        codes.Redeem(expiring).Should().BeNull("it expired");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_write_that_fails_part_way_leaves_nothing_behind(string kind)
    {
        using var store = TestStore.Create(kind);
        var audit = new AuditLog(store.Database);
        var decisions = new DecisionLog(store.Database);

        var failing = () => store.Database.Write(writes =>
        {
            audit.Write(writes, new AuditEntry { Date = Now, Type = "s", UserId = "auth0|1" });
            decisions.Write(writes, new JsonObject { ["id"] = "dec_1", ["date"] = JsonColumns.Timestamp(Now) }, "log_1");
            throw new InvalidOperationException("the response could not be built");
        });

        failing.Should().Throw<InvalidOperationException>();
        using var connection = store.Database.Open();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM audit_log").Should().Be(0);
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM decision_log").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void The_audit_trail_is_searched_and_counts_failed_logins_as_the_limiter_needs(string kind)
    {
        using var store = TestStore.Create(kind);
        var audit = new AuditLog(store.Database);
        audit.Write(new AuditEntry { Date = Now, Type = "s", UserId = "auth0|1", UserName = "Jordan@Example.com", ClientName = "Customer Portal", Details = new JsonObject { ["decision"] = "allow" } });
        audit.Write(new AuditEntry { Date = Now.AddSeconds(1), Type = "f", UserId = "auth0|1", ImpersonatorId = "auth0|priya", Details = new JsonObject { ["decision"] = "deny" } });
        for (var i = 0; i < 10; i++)
        {
            audit.Write(new AuditEntry { Date = Now.AddSeconds(2 + i), Type = LoginAttemptLimiter.WrongPasswordType, UserName = "noor@example.com", Ip = i < 5 ? null : "198.51.100.4" });
        }
        var search = new AuditLogSearch(store.Database);

        search.Find(new LogFilter { Outcome = "deny" }, 0, 10).Logs.Select(l => l["type"]!.GetValue<string>()).Should().Equal("f");
        search.Find(new LogFilter { Query = "customer PORTAL" }, 0, 10).Total.Should().Be(1, "free text ignores case");
        search.Find(new LogFilter { ImpersonatorId = "auth0|priya" }, 0, 10).Total.Should().Be(1);
        search.Find(new LogFilter { From = Now.AddSeconds(2) }, 0, 100).Total.Should().Be(10);

        var limiter = new LoginAttemptLimiter(store.Database, _clock, _options);
        var max = _options.Value.Login.MaxFailedAttempts;
        max.Should().Be(10);
        limiter.IsLimited("noor@example.com", null).Should().BeFalse("5 failures without an address, 5 from one address: neither reaches the limit");
        for (var i = 0; i < 5; i++)
        {
            audit.Write(new AuditEntry { Date = Now.AddSeconds(20 + i), Type = LoginAttemptLimiter.UnknownUserType, UserName = "noor@example.com" });
        }
        limiter.IsLimited("NOOR@example.com", null).Should().BeTrue("a missing address is an address of its own");
        limiter.IsLimited("noor@example.com", "198.51.100.4").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_rule_change_moves_the_counter_other_instances_watch(string kind)
    {
        using var store = TestStore.Create(kind);
        using var other = store.OpenAnother();
        var watcher = new RevisionWatcher(other, _options, NullLogger<RevisionWatcher>.Instance);
        var changes = 0;
        watcher.Watch("rules", () => Interlocked.Increment(ref changes));
        var ruleSet = new RuleSet([new RuleSource("allow", "rules/allow.js", "function (user, context, callback) { callback(null, user, context); }", true)],
            new Dictionary<string, string> { ["KEY"] = "value" });

        watcher.Poll();
        changes.Should().Be(0, "nothing changed yet");
        store.Database.InTransaction((connection, transaction) =>
        {
            RuleStore.ReplaceAll(connection, transaction, ruleSet, Now);
            return 0;
        }, exclusive: true);
        watcher.Poll();
        changes.Should().Be(1);
        watcher.Poll();
        changes.Should().Be(1, "the counter did not move again");
        store.Database.InTransaction((connection, transaction) =>
        {
            RuleStore.SetConfig(connection, transaction, "KEY", "changed");
            return 0;
        });
        watcher.Poll();
        changes.Should().Be(2, "a rules-config change is a rule-set change too");

        var read = other.InSnapshot((connection, transaction) => RuleStore.ReadDraft(connection, transaction)).ToRuleSet();
        read.Rules.Select(r => r.Name).Should().Equal("allow");
        read.Configuration["KEY"].Should().Be("changed");

        var lastGood = new LastGoodRuleSet(store.Database, _clock);
        lastGood.Save("database", ruleSet);
        lastGood.Save("database", read);
        new LastGoodRuleSet(other, _clock).Load("database")!.Version.Should().Be(read.Version);
    }

    private static TenantUser User(string userId, string email, string name) =>
        new(userId, email, "Username-Password-Authentication", false, 0, new JsonObject { ["name"] = name, ["user_metadata"] = new JsonObject() }, null, Now, Now);

    private static ValidatedImpersonationRequest ImpersonationRequest()
    {
        var client = new Client("client-1", "Customer Portal", "secret", "regular_web", ["https://app.example.com/callback"], [], [], []);
        return new ValidatedImpersonationRequest(
            User("auth0|jordan", "jordan@example.com", "Jordan"),
            User("auth0|priya", "priya@example.com", "Priya"),
            client,
            new Connection("con_1", "Username-Password-Authentication", "auth0", ["client-1"]),
            new ImpersonationParameters("oauth2", "code", "query", "https://app.example.com/callback", ["openid", "email"], "st-1", null));
    }

    private static AuthorizationGrant Grant() => new()
    {
        UserId = "auth0|jordan",
        ClientId = "client-1",
        RedirectUri = "https://app.example.com/callback",
        Scopes = ["openid", "email"],
        AccessTokenScopes = ["openid", "email"],
        AuthTime = Now,
        Profile = new JsonObject { ["email"] = "jordan@example.com" },
    };
}

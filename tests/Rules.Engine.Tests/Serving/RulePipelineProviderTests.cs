using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;
using Rules.Engine.Serving;

namespace Rules.Engine.Tests.Serving;

public sealed class RulePipelineProviderTests : IDisposable
{
    private const string Allow = "function allow(user, context, callback) { callback(null, user, context); }";
    private const string Deny = "function deny(user, context, callback) { callback(new UnauthorizedError('changed')); }";
    private const string Broken = "function broken(user, context, callback) { callback(null, user, context";

    private readonly string _directory = Directory.CreateTempSubdirectory("rules-provider-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RuleSet Set(string script) => new([new RuleSource("only", "only.js", script)]);

    private static async Task<Decision> DecideAsync(RulePipelineProvider provider) =>
        (await provider.ExecuteAsync(PipelineFactory.Login())).Decision;

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        return condition();
    }

    [Fact]
    public async Task A_new_version_from_memory_is_swapped_in_and_announced()
    {
        var source = new InMemoryRuleSetSource(Set(Allow));
        using var provider = new RulePipelineProvider(source, SandboxOptions.Default);
        var loads = new List<RuleSetLoadResult>();
        provider.Loaded += (_, e) => loads.Add(e.Result);
        provider.Start();
        var first = provider.Current!.Version;

        source.Set(Set(Deny));

        provider.Current!.Version.Should().NotBe(first);
        (await DecideAsync(provider)).Should().Be(Decision.Deny);
        source.Set(Set(Deny));
        loads.Should().Equal(RuleSetLoadResult.Live, RuleSetLoadResult.Live, RuleSetLoadResult.Unchanged);
    }

    [Fact]
    public void A_rule_set_that_may_call_out_goes_live_with_its_pool_filled_and_one_that_cannot_with_one_runtime()
    {
        var sandbox = SandboxOptions.Default with { MaxPooledRuntimes = 3 };
        using var calling = new RulePipelineProvider(new InMemoryRuleSetSource(Set(Allow)), sandbox,
            egress: new Rules.Engine.Http.EgressOptions { Allow = ["http://127.0.0.1:9"] });
        using var quiet = new RulePipelineProvider(new InMemoryRuleSetSource(Set(Allow)), sandbox);

        calling.Start();
        quiet.Start();

        // Logins that call out keep their runtime while they wait: a burst needs one each, built before it arrives.
        calling.Current!.RuntimesCreated.Should().Be(3);
        calling.Current.IdleRuntimes.Should().Be(3);
        quiet.Current!.RuntimesCreated.Should().Be(1);
    }

    [Fact]
    public async Task A_version_that_does_not_compile_is_refused_and_the_previous_one_keeps_serving()
    {
        var source = new InMemoryRuleSetSource(Set(Allow));
        using var provider = new RulePipelineProvider(source, SandboxOptions.Default);
        provider.Start();
        var live = provider.Current!.Version;
        RuleSetLoadedEventArgs? refused = null;
        provider.Loaded += (_, e) => refused = e;

        source.Set(Set(Broken));

        provider.Current!.Version.Should().Be(live);
        provider.LastError.Should().Contain("only.js:");
        refused!.Result.Should().Be(RuleSetLoadResult.Refused);
        refused.Version.Should().Be(live, "the event says which version still serves");
        (await DecideAsync(provider)).Should().Be(Decision.Allow);

        source.Set(Set(Deny));
        provider.LastError.Should().BeNull();
    }

    [Fact]
    public async Task A_changed_file_in_a_watched_directory_goes_live()
    {
        File.WriteAllText(Path.Combine(_directory, "a.js"), Allow);
        using var provider = new RulePipelineProvider(new DirectoryRuleSetSource(_directory), SandboxOptions.Default);
        provider.Source.Should().Be($"directory {_directory}");
        (await DecideAsync(provider)).Should().Be(Decision.Allow, "the first login starts a provider nobody started");
        var first = provider.Current!.Version;

        File.WriteAllText(Path.Combine(_directory, "a.js"), Deny);

        (await Eventually(() => provider.Current!.Version != first)).Should().BeTrue("the watcher reloads within seconds");
        (await DecideAsync(provider)).Should().Be(Decision.Deny);
    }

    [Fact]
    public async Task With_nothing_that_compiles_every_login_is_denied()
    {
        using var provider = new RulePipelineProvider(new InMemoryRuleSetSource(Set(Broken)), SandboxOptions.Default);

        var outcome = await provider.ExecuteAsync(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Failure!.Message.Should().Be("no rule set is live");
        provider.Current.Should().BeNull();
    }

    [Fact]
    public async Task At_start_the_last_good_version_serves_when_the_source_is_refused_and_each_live_version_is_saved()
    {
        var store = new MemoryLastGood();
        var source = new InMemoryRuleSetSource(Set(Deny), key: "tenant-a");
        using (var first = new RulePipelineProvider(source, SandboxOptions.Default, lastGood: store))
        {
            first.Start();
        }
        store.Saved.Should().ContainKey("tenant-a");

        source.Set(Set(Broken));
        using var second = new RulePipelineProvider(source, SandboxOptions.Default, lastGood: store);
        second.Start();

        second.ServingLastGood.Should().BeTrue();
        second.LastError.Should().Contain("only.js:");
        (await DecideAsync(second)).Should().Be(Decision.Deny, "the last good version denies");
    }

    [Fact]
    public void Versions_are_parsed_into_the_cache_it_is_given()
    {
        using var scripts = new ScriptCache();
        using var provider = new RulePipelineProvider(new InMemoryRuleSetSource(Set("function unique42(user, context, callback) { callback(null, user, context); }")),
            SandboxOptions.Default, scripts);

        provider.Start();

        scripts.ParseCount.Should().BeGreaterThan(0);
    }

    [Fact]
    public void A_limit_that_would_switch_itself_off_is_refused_when_the_provider_is_built()
    {
        var build = () => new RulePipelineProvider(new InMemoryRuleSetSource(Set(Allow)), SandboxOptions.Default with { MaxStatements = 0 });

        build.Should().Throw<ArgumentException>().WithMessage("Sandbox option MaxStatements must be positive*");
    }

    private sealed class MemoryLastGood : ILastGoodRuleSetStore
    {
        public Dictionary<string, RuleSet> Saved { get; } = [];

        public RuleSet? Load(string sourceKey) => Saved.GetValueOrDefault(sourceKey);

        public void Save(string sourceKey, RuleSet ruleSet, RuleSet? replaced) => Saved[sourceKey] = ruleSet;
    }
}

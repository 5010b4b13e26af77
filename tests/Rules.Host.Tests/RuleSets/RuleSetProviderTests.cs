using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rules.Engine.Pipeline;
using Rules.Host.Hosting;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.Tests.RuleSets;

public sealed class RuleSetProviderTests : IDisposable
{
    private const string Allow = "function (user, context, callback) { callback(null, user, context); }";
    private const string Deny = "function (user, context, callback) { callback(new UnauthorizedError('changed')); }";

    private readonly TempRulesDirectory _dir = new();

    private RuleSetProvider StartProvider(string? rules = null)
    {
        var options = Options.Create(new RulesHostOptions { DataDirectory = Path.Combine(_dir.Root, "data"), RulesDirectory = rules ?? _dir.Rules });
        var database = new SqliteDatabase(options.Value.DatabasePath);
        database.Migrate();
        var metrics = new RulesMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var provider = new RuleSetProvider(database, options, NullLogger<RuleSetProvider>.Instance, metrics, new LastGoodRuleSet(database, TimeProvider.System));
        provider.Start();
        return provider;
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        return condition();
    }

    private static Decision Decide(RuleSetProvider provider) =>
        provider.Current!.Execute(new LoginTransaction([], [])).Decision;

    [Fact]
    public async Task A_changed_rule_file_goes_live_without_a_restart()
    {
        _dir.Write("a.js", Allow);
        using var provider = StartProvider();
        var first = provider.Current!.Version;
        Decide(provider).Should().Be(Decision.Allow);

        _dir.Write("a.js", Deny);

        (await Eventually(() => provider.Current!.Version != first)).Should().BeTrue("the watcher reloads within seconds");
        Decide(provider).Should().Be(Decision.Deny);
    }

    [Fact]
    public async Task A_rule_that_does_not_compile_is_refused_and_the_previous_version_keeps_serving()
    {
        _dir.Write("a.js", Allow);
        using var provider = StartProvider();
        var live = provider.Current!.Version;

        _dir.Write("a.js", "function (user, context, callback) {\n  var x = ;\n}");

        (await Eventually(() => provider.LastError is not null)).Should().BeTrue();
        provider.LastError.Should().Contain("a.js:2:11: error: Unexpected token");
        provider.Current!.Version.Should().Be(live);
        Decide(provider).Should().Be(Decision.Allow);

        _dir.Write("a.js", Deny);
        (await Eventually(() => provider.Current!.Version != live)).Should().BeTrue();
        provider.LastError.Should().BeNull();
    }

    [Fact]
    public void A_rule_set_that_never_compiled_leaves_no_pipeline_so_logins_fail_closed()
    {
        _dir.Write("a.js", "function (user, context, callback) { (; }");
        using var provider = StartProvider();
        provider.Current.Should().BeNull();
        provider.LastError.Should().Contain("a.js:1:");
    }

    [Fact]
    public async Task At_start_up_a_rule_set_that_no_longer_compiles_is_replaced_by_the_last_one_that_went_live()
    {
        _dir.Write("a.js", Allow);
        string lastGood;
        using (var first = StartProvider())
        {
            lastGood = first.Current!.Version;
        }
        _dir.Write("a.js", "function (user, context, callback) {\n  callback(null, user, context\n}");

        using var restarted = StartProvider();

        restarted.ServingLastGood.Should().BeTrue();
        restarted.Current!.Version.Should().Be(lastGood);
        restarted.LastError.Should().Contain("a.js:3:");
        Decide(restarted).Should().Be(Decision.Allow);

        _dir.Write("a.js", Deny);
        (await Eventually(() => restarted.Current!.Version != lastGood)).Should().BeTrue("the fixed file goes live as usual");
        restarted.ServingLastGood.Should().BeFalse();
        restarted.LastError.Should().BeNull();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_changed_script_in_a_deploy_cli_exports_subfolder_goes_live(bool yaml)
    {
        _dir.WriteOutside("export/rules/a.js", Allow);
        if (yaml)
        {
            _dir.WriteOutside("export/tenant.yaml", "rules:\n  - name: a\n    script: ./rules/a.js\n");
        }
        else
        {
            _dir.WriteOutside("export/rules/a.json", """{ "name": "a", "script": "./a.js" }""");
        }
        using var provider = StartProvider(Path.Combine(_dir.Root, "export", yaml ? "tenant.yaml" : ""));
        var first = provider.Current!.Version;

        _dir.WriteOutside("export/rules/a.js", Deny);

        (await Eventually(() => provider.Current!.Version != first)).Should().BeTrue("the watcher sees the export's rules/ folder");
        Decide(provider).Should().Be(Decision.Deny);
    }

    public void Dispose() => _dir.Dispose();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;
using Rules.Engine.Serving;

namespace Rules.Engine.Tests.Serving;

public sealed class AddRulesEngineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rules-di-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ServiceProvider Build(Action<RulesEngineBuilderAccess> configure, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        configure(new RulesEngineBuilderAccess(services));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>Keeps each test's registration to the one line an embedder writes.</summary>
    private sealed record RulesEngineBuilderAccess(IServiceCollection Services);

    [Fact]
    public async Task A_rule_directory_registered_with_one_line_denies_and_enriches()
    {
        File.WriteAllText(Path.Combine(_directory, "1-block.js"),
            "function block(user, context, callback) { if (user.blocked) { return callback(new UnauthorizedError('blocked')); } callback(null, user, context); }");
        File.WriteAllText(Path.Combine(_directory, "2-roles.js"),
            "function roles(user, context, callback) { context.idToken['https://example.com/roles'] = user.app_metadata.roles; callback(null, user, context); }");
        using var services = Build(s => s.Services.AddRulesEngine(rules => rules.FromDirectory(_directory)));
        var provider = services.GetRequiredService<RulePipelineProvider>();

        var denied = await provider.ExecuteAsync(PipelineFactory.Login("""{ "user_id": "auth0|bob", "blocked": true, "app_metadata": {} }"""));
        var allowed = await provider.ExecuteAsync(PipelineFactory.Login());

        denied.Decision.Should().Be(Decision.Deny);
        denied.Error.Should().Be("unauthorized");
        denied.ErrorDescription.Should().Be("blocked");
        allowed.Decision.Should().Be(Decision.Allow);
        allowed.IdToken["https://example.com/roles"]!.ToJsonString().Should().Be("""["user"]""");
    }

    [Fact]
    public void Sandbox_limits_come_from_the_configuration_section()
    {
        using var services = Build(s => s.Services.AddRulesEngine(rules => rules.FromRuleSet(RuleSet.Empty), section: "Auth:Rules"),
            new() { ["Auth:Rules:Sandbox:MaxStatements"] = "12345", ["Auth:Rules:Sandbox:TimeBudget"] = "00:00:02" });

        var provider = services.GetRequiredService<RulePipelineProvider>();

        provider.Sandbox.MaxStatements.Should().Be(12345);
        provider.Sandbox.TimeBudget.Should().Be(TimeSpan.FromSeconds(2));
        provider.Sandbox.MemoryLimitBytes.Should().Be(SandboxOptions.Default.MemoryLimitBytes);
    }

    [Fact]
    public void A_bad_limit_fails_the_start_naming_the_setting()
    {
        using var services = Build(s => s.Services.AddRulesEngine(rules => rules.FromRuleSet(RuleSet.Empty)),
            new() { ["Rules:Sandbox:MaxStatements"] = "0" });

        var start = () => services.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>().WithMessage("Rules:Sandbox:MaxStatements: Sandbox option MaxStatements must be positive.");
    }

    [Fact]
    public void A_bad_egress_entry_fails_the_start_naming_the_setting()
    {
        using var services = Build(s => s.Services.AddRulesEngine(rules => rules.FromRuleSet(RuleSet.Empty)),
            new() { ["Rules:Egress:Allow:0"] = "https://" });

        var start = () => services.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>().WithMessage("Rules:Egress:Allow: *");
    }

    [Fact]
    public void Without_a_source_the_error_says_how_to_choose_one()
    {
        using var services = Build(s => s.Services.AddRulesEngine());

        var resolve = () => services.GetRequiredService<RulePipelineProvider>();

        resolve.Should().Throw<InvalidOperationException>().WithMessage("*FromDirectory, FromRuleSet or FromSource*");
    }

    [Fact]
    public async Task The_host_start_loads_the_rules_and_the_in_memory_source_swaps_them()
    {
        using var services = Build(s => s.Services.AddRulesEngine(rules => rules.FromRuleSet(
            new RuleSet([new RuleSource("allow", "allow.js", "function (user, context, callback) { callback(null, user, context); }")]))));
        var provider = services.GetRequiredService<RulePipelineProvider>();
        provider.Current.Should().BeNull("nothing loads before the host starts");

        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        provider.Current.Should().NotBeNull();
        services.GetRequiredService<ScriptCache>().ParseCount.Should().BeGreaterThan(0, "the registered cache, not the shared one, parsed the rules");

        services.GetRequiredService<InMemoryRuleSetSource>().Set(new RuleSet([new RuleSource("deny", "deny.js", "function (user, context, callback) { callback(new Error('no')); }")]));
        (await provider.ExecuteAsync(PipelineFactory.Login())).Decision.Should().Be(Decision.Deny);
    }
}

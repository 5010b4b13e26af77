using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.RuleSets;

namespace Rules.Host.Tests.Http;

public class SandboxConfigurationTests
{
    [Fact]
    public async Task Sandbox_limits_come_from_configuration()
    {
        using var factory = new RulesHostFactory(new Dictionary<string, string?>
        {
            ["Rules:Sandbox:TimeBudget"] = "00:00:02",
            ["Rules:Sandbox:MaxStatements"] = "12345",
        });
        using var client = factory.CreateClient();
        (await client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);

        var provider = factory.Services.GetRequiredService<RuleSetProvider>();
        provider.Sandbox.TimeBudget.Should().Be(TimeSpan.FromSeconds(2));
        provider.Sandbox.MaxStatements.Should().Be(12345);
        provider.Current!.RuleSet.Options.MaxStatements.Should().Be(12345, "the live rule set is compiled with the configured limits");
        provider.Sandbox.MemoryLimitBytes.Should().Be(Rules.Engine.Sandbox.SandboxOptions.Default.MemoryLimitBytes);
    }

    [Fact]
    public async Task The_token_claims_cap_comes_from_configuration_and_denies_at_the_callback_without_naming_the_claim()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("big.js", "function (user, context, callback) { context.idToken['https://x/blob'] = 'x'.repeat(300); callback(null, user, context); }");
        using var host = new HostHarness(new Dictionary<string, string?>
        {
            ["Rules:RulesDirectory"] = rules.Rules,
            ["Rules:Sandbox:MaxTokenClaimsBytes"] = "256",
        });
        host.Service<RuleSetProvider>().Sandbox.MaxTokenClaimsBytes.Should().Be(256);

        var callback = HostHarness.CallbackParameters(await host.FollowAsync(await host.CreateLinkAsync()));

        callback["error_description"].Should().Be(Rules.Engine.Pipeline.DenialDescriptions.Generic);
        var outcome = host.DecisionRecords().Single()["outcome"]!;
        outcome["kind"]!.GetValue<string>().Should().Be("limit");
        outcome["failure"]!["limit"]!.GetValue<string>().Should().Be("MaxTokenClaimsBytes");
        outcome["failure"]!["message"]!.GetValue<string>().Should().Contain("'https://x/blob'");
    }

    [Fact]
    public async Task A_limit_that_would_switch_itself_off_is_refused_at_start()
    {
        using var dir = new TempRulesDirectory();
        var run = await Cli.CliRun.RunAsync("serve", "--data", Path.Combine(dir.Root, "data"), "--urls", "http://127.0.0.1:0",
            "--seed", Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "tenant.json"), "--Rules:Sandbox:MaxStatements=0");
        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("Sandbox option MaxStatements must be positive").And.Contain("Rules:Sandbox");
    }
}

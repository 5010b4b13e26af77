using FluentAssertions;
using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;
using Xunit;

namespace Rules.Engine.Tests;

/// <summary>The caller's token reaches the sandbox: a cancelled login is denied and its runtime is never reused.</summary>
public class CancellationTests
{
    // A long budget and statement limit, so only the token can stop the loop.
    private static readonly SandboxOptions Patient = SandboxOptions.Default with { TimeBudget = TimeSpan.FromMinutes(2), MaxStatements = int.MaxValue - 1 };

    private const string Spins = "function spin(user, context, callback) { while (true) {} }";

    private const string Allows = "function allow(user, context, callback) { context.idToken['https://example.com/ok'] = true; callback(null, user, context); }";

    [Fact]
    public async Task A_token_cancelled_while_a_rule_runs_stops_it_and_denies_the_login()
    {
        using var pipeline = PipelineFactory.Create(Patient, Spins);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), cancellation.Token);

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Rule.Should().Be("rule1");
        outcome.Failure!.Message.Should().Contain("cancelled by the host");
        outcome.Failure.Limit.Should().BeNull("the caller stopped it, no sandbox limit tripped");
    }

    [Fact]
    public async Task The_interrupted_runtime_is_discarded_and_the_next_login_gets_a_fresh_one()
    {
        using var pipeline = PipelineFactory.Create(Patient, "function maybeSpin(user, context, callback) { if (user.spin) { while (true) {} } callback(null, user, context); }");
        pipeline.Warm();
        pipeline.RuntimesCreated.Should().Be(1);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var cancelled = await pipeline.ExecuteAsync(PipelineFactory.Login("""{ "user_id": "auth0|alice", "spin": true }"""), cancellation.Token);
        var next = await pipeline.ExecuteAsync(PipelineFactory.Login());

        cancelled.Decision.Should().Be(Decision.Deny);
        pipeline.RuntimesCreated.Should().Be(2, "the runtime the cancelled login was using went away instead of back to the pool");
        next.Decision.Should().Be(Decision.Allow);
    }

    [Fact]
    public async Task A_token_already_cancelled_denies_without_running_a_rule()
    {
        using var pipeline = PipelineFactory.Create(Patient, Allows);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), new CancellationToken(canceled: true));

        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Failure!.Message.Should().Be("the login was cancelled by the host");
        outcome.IdToken.Should().BeEmpty();
        pipeline.RuntimesCreated.Should().Be(0, "no runtime was rented for a login nobody waits for");
    }

    [Fact]
    public async Task A_token_that_is_never_cancelled_changes_nothing()
    {
        using var pipeline = PipelineFactory.Create(Patient, Allows);
        using var cancellation = new CancellationTokenSource();

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), cancellation.Token);

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/ok"]!.GetValue<bool>().Should().BeTrue();
        pipeline.IdleRuntimes.Should().Be(1, "a runtime that finished normally goes back to the pool");
    }
}

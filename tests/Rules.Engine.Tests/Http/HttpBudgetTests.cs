using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Xunit;

namespace Rules.Engine.Tests.Http;

/// <summary>The limits around rules' calls: calls per login, the login's one budget, the busy queue, and what is recorded.</summary>
public sealed class HttpBudgetTests : IAsyncLifetime
{
    private FakeHttpService _fake = null!;

    public Task InitializeAsync()
    {
        _fake = new FakeHttpService(request => request.Target.StartsWith("/slow", StringComparison.Ordinal)
            ? FakeResponse.Json(200, "{}", delayMs: 10_000)
            : FakeResponse.Json(200, """{"ok":true}"""));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Dictionary<string, string> Base => new() { ["BASE"] = _fake.Origin };

    [Fact]
    public async Task More_calls_than_the_limit_deny_the_login_and_the_extra_call_is_never_sent()
    {
        using var pipeline = HttpPipelines.Create(HttpPipelines.Options with { MaxHttpCalls = 2 }, [_fake.Origin], Base, """
            async function (user, context, callback) {
              const axios = require('axios');
              for (let i = 0; i < 3; i++) {
                try { await axios.get(configuration.BASE + '/n' + i); } catch (e) { context.idToken['error' + i] = e.code; }
              }
              callback(null, user, context);
            }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be("MaxHttpCalls");
        _fake.Received.Select(r => r.Target).Should().Equal("/n0", "/n1");
        outcome.HttpCalls.Select(c => c.Error).Should().Equal(null, null, "ERR_HTTP_LIMIT");
    }

    [Fact]
    public async Task Waiting_on_the_network_counts_against_the_logins_one_budget()
    {
        var options = HttpPipelines.Options with { TimeBudget = TimeSpan.FromSeconds(1), HttpCallTimeout = TimeSpan.FromSeconds(1) };
        using var pipeline = HttpPipelines.Create(options, [_fake.Origin], Base, """
            function (user, context, callback) {
              require('request').get(configuration.BASE + '/slow', function () { callback(null, user, context); });
            }
            """, """
            function (user, context, callback) { callback(null, user, context); }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Failure!.Limit.Should().Be("TimeBudget");
        outcome.Rule.Should().Be("rule1");
    }

    [Fact]
    public async Task When_every_runtime_waits_logins_queue_to_the_bound_then_fail_closed_as_busy()
    {
        var options = HttpPipelines.Options with { MaxActiveRuntimes = 1, MaxQueuedLogins = 1, TimeBudget = TimeSpan.FromSeconds(30), HttpCallTimeout = TimeSpan.FromSeconds(3) };
        using var pipeline = HttpPipelines.Create(options, [_fake.Origin], Base, """
            function (user, context, callback) {
              require('request').get(configuration.BASE + '/slow', function (err) { context.idToken.waited = err ? err.code : 'answered'; callback(null, user, context); });
            }
            """);

        var first = pipeline.ExecuteAsync(PipelineFactory.Login());
        await Until(() => _fake.Received.Count == 1);
        var second = pipeline.ExecuteAsync(PipelineFactory.Login());
        await Until(() => pipeline.QueuedLogins == 1);
        var third = await pipeline.ExecuteAsync(PipelineFactory.Login());

        third.Kind.Should().Be(DenialKind.Busy);
        OutcomeJson.ToJsonObject(third)["kind"]!.GetValue<string>().Should().Be("busy");
        third.Failure!.Message.Should().Contain("MaxQueuedLogins");
        (await first).IdToken["waited"]!.GetValue<string>().Should().Be("ETIMEDOUT");
        (await second).IsAllowed.Should().BeTrue("a queued login runs once the runtime is free");
        pipeline.ActiveLogins.Should().Be(0);
    }

    [Fact]
    public async Task A_call_the_rule_does_not_wait_for_still_completes_and_is_recorded()
    {
        using var pipeline = HttpPipelines.Create([_fake.Origin], Base, """
            function (user, context, callback) {
              require('request').post({ url: configuration.BASE + '/notify', json: { text: 'hello' } });
              callback(null, user, context);
            }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login());

        outcome.IsAllowed.Should().BeTrue();
        _fake.Received.Single().Body.Should().Be("""{"text":"hello"}""");
        outcome.HttpCalls.Single().Status.Should().Be(200);
    }

    [Fact]
    public async Task Records_keep_no_query_headers_or_bodies_only_a_body_hash()
    {
        using var pipeline = HttpPipelines.Create([_fake.Origin], Base, """
            function (user, context, callback) {
              require('request').post({ url: configuration.BASE + '/lookup?token=s3cret', headers: { Authorization: 'Bearer hunter2' }, json: { email: 'priya@example.com' } },
                function (err, response) { callback(null, user, context); });
            }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login());

        var call = outcome.HttpCalls.Single();
        call.Should().BeEquivalentTo(new { Method = "POST", Path = "/lookup", Status = 200, Bytes = 11L, ResponseBody = (string?)null });
        call.RequestBodySha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"email":"priya@example.com"}"""))));
        var json = OutcomeJson.Serialize(outcome);
        json.Should().NotContain("s3cret").And.NotContain("hunter2").And.NotContain("priya@example.com").And.NotContain("\"ok\"");
    }

    [Fact]
    public async Task Response_bodies_are_recorded_only_when_the_host_asks()
    {
        using var pipeline = HttpPipelines.Create([_fake.Origin], Base, """
            function (user, context, callback) { require('request')(configuration.BASE + '/x', function () { callback(null, user, context); }); }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), new ExecutionOptions { RecordHttpResponses = true });

        outcome.HttpCalls.Single().ResponseBody.Should().Be("""{"ok":true}""");
    }

    [Fact]
    public void A_rule_set_without_egress_can_call_nothing()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              require('request')('https://api.example.com/', function (err) { context.idToken.error = err.code; callback(null, user, context); });
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IdToken["error"]!.GetValue<string>().Should().Be(RuleHttpException.EgressDenied);
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }
        condition().Should().BeTrue();
    }
}

using System.Text.Json.Nodes;
using FluentAssertions;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Xunit;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// Calls to <see cref="HostCalls.Origin"/> (how a host's own modules, such as Rules.Host's auth0, reach the host): answered
/// by <see cref="ExecutionOptions.HostCalls"/> in-process, with the HTTP calls' limits, and never by the network.
/// </summary>
public sealed class HostCallsTests
{
    private const string Rule = """
        async function (user, context, callback) {
          const axios = require('axios');
          try {
            const answer = await axios.get('https://host.rules.invalid/api/v2/users/' + encodeURIComponent(user.user_id));
            context.idToken.result = answer.data.email;
          } catch (e) {
            context.idToken.result = e.code + ': ' + e.message;
          }
          callback(null, user, context);
        }
        """;

    private sealed class Answering(Func<RuleHttpRequest, Task<RuleHttpResponse>> answer) : IRuleHttpTransport
    {
        public List<RuleHttpRequest> Received { get; } = [];

        public Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
        {
            Received.Add(request);
            return answer(request);
        }
    }

    private static RuleHttpResponse Json(RuleHttpRequest request, string body) =>
        new(200, "OK", new Dictionary<string, string> { ["content-type"] = "application/json" }, body, request.Url, body.Length);

    [Fact]
    public async Task The_host_answers_calls_to_its_origin_and_they_are_recorded_as_HTTP_calls()
    {
        var host = new Answering(r => Task.FromResult(Json(r, """{"email":"jordan@example.com"}""")));
        using var pipeline = HttpPipelines.Create([], new Dictionary<string, string>(), Rule);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), new ExecutionOptions { HostCalls = host }, CancellationToken.None);

        outcome.IsAllowed.Should().BeTrue(outcome.Failure?.ToString());
        outcome.IdToken["result"]!.GetValue<string>().Should().Be("jordan@example.com");
        host.Received.Should().ContainSingle().Which.Url.AbsolutePath.Should().StartWith("/api/v2/users/");
        outcome.HttpCalls.Should().ContainSingle().Which.Host.Should().Be(HostCalls.Origin);
    }

    [Fact]
    public async Task Without_a_host_the_call_fails_as_not_provided_even_where_egress_would_allow_the_name()
    {
        using var pipeline = HttpPipelines.Create([HostCalls.Origin], new Dictionary<string, string>(), Rule);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login());

        outcome.IsAllowed.Should().BeTrue(outcome.Failure?.ToString());
        outcome.IdToken["result"]!.GetValue<string>().Should().StartWith(HostCalls.NotProvided + ": GET https://host.rules.invalid/api/v2/users/")
            .And.Contain("nothing here answers it");
    }

    [Fact]
    public async Task A_host_call_that_does_not_answer_in_time_denies_the_login_on_the_time_budget()
    {
        var host = new Answering(_ => new TaskCompletionSource<RuleHttpResponse>().Task);
        var options = HttpPipelines.Options with { TimeBudget = TimeSpan.FromMilliseconds(500), HttpCallTimeout = TimeSpan.FromSeconds(5) };
        using var pipeline = HttpPipelines.Create(options, [], new Dictionary<string, string>(), """
            function (user, context, callback) {
              require('axios').get('https://host.rules.invalid/api/v2/users').then(() => callback(null, user, context));
            }
            """);

        var outcome = await pipeline.ExecuteAsync(PipelineFactory.Login(), new ExecutionOptions { HostCalls = host }, CancellationToken.None);

        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Failure!.Limit.Should().Be("TimeBudget");
    }
}

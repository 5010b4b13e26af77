using FluentAssertions;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Xunit;

namespace Rules.Engine.Tests.Http;

/// <summary>Replay answers rules' calls from the decision record and never calls out.</summary>
public sealed class HttpReplayTests : IAsyncLifetime
{
    private FakeHttpService _fake = null!;

    private const string CrmRule = """
        function (user, context, callback) {
          require('request').post({ url: configuration.BASE + configuration.PATH, json: { email: user.email } }, function (err, response, body) {
            if (err) return callback(new Error('crm: ' + err.code));
            context.idToken.tier = body.tier;
            callback(null, user, context);
          });
        }
        """;

    public Task InitializeAsync()
    {
        _fake = new FakeHttpService(_ => FakeResponse.Json(200, """{"tier":"gold"}"""));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private RulePipeline Pipeline(string path = "/lookup") =>
        HttpPipelines.Create([_fake.Origin], new Dictionary<string, string> { ["BASE"] = _fake.Origin, ["PATH"] = path }, CrmRule);

    private async Task<string> Record(bool withResponses)
    {
        using var pipeline = Pipeline();
        var login = PipelineFactory.Login();
        var outcome = await pipeline.ExecuteAsync(login, new ExecutionOptions { RecordHttpResponses = withResponses });
        outcome.IdToken["tier"]!.GetValue<string>().Should().Be("gold");
        return ReplayRecord.CreateDecisionRecord("dec_1", "login", DateTimeOffset.UnixEpoch, login, outcome).ToJsonString();
    }

    private static ReplaySummary Replay(RulePipeline candidate, string record) =>
        new ReplayRunner(candidate, null).Run([new ReplayInput("log.jsonl", 1, record)]);

    [Fact]
    public async Task A_recorded_response_answers_the_call_and_nothing_is_sent()
    {
        var record = await Record(withResponses: true);
        using var candidate = Pipeline();

        var summary = Replay(candidate, record);

        summary.Counts[ReplayClass.Unchanged].Should().Be(1);
        summary.NotReplayable.Should().Be(0);
        _fake.Received.Should().ContainSingle("only the recorded login reached the service");
    }

    [Fact]
    public async Task A_call_the_record_does_not_hold_is_not_replayable_and_never_a_change()
    {
        var record = await Record(withResponses: true);
        using var candidate = Pipeline("/v2/lookup");

        var summary = Replay(candidate, record);

        summary.NotReplayable.Should().Be(1);
        summary.Changed.Should().Be(0);
        _fake.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task Without_recorded_response_bodies_a_calling_record_is_not_replayable()
    {
        var record = await Record(withResponses: false);
        using var candidate = Pipeline();

        var summary = Replay(candidate, record);

        summary.NotReplayable.Should().Be(1);
        summary.Changed.Should().Be(0);
        _fake.Received.Should().ContainSingle();
    }
}

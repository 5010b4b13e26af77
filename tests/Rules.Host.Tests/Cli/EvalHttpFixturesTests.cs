using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Cli;

/// <summary><c>rules eval --http FIXTURES.json</c> and <c>rules test</c> on the sample rules that call a CRM and Slack.</summary>
public sealed class EvalHttpFixturesTests : IDisposable
{
    private static readonly string Samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "http-rules");
    private static readonly string Login = Path.Combine(Samples, "fixtures", "impersonated-login.json");

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Eval_answers_the_rules_calls_from_the_fixtures()
    {
        var run = await CliRun.RunAsync("eval", "--rules", Samples, "--transaction", Login, "--http", Path.Combine(Samples, "fixtures", "crm-and-slack.json"));

        run.ExitCode.Should().Be(0, run.ToString());
        var outcome = JsonNode.Parse(run.Stdout)!;
        outcome["idToken"]!["https://acme.example.com/tier"]!.GetValue<string>().Should().Be("gold");
        outcome["http"]!.AsArray().Select(c => c!["host"]!.GetValue<string>()).Should().Equal("https://crm.example.com", "https://hooks.slack.com");
    }

    [Fact]
    public async Task A_call_no_fixture_answers_is_printed_and_fails_the_login()
    {
        var fixtures = _dir.WriteOutside("crm-only.json", """
            [ { "request": { "method": "POST", "url": "https://crm.example.com/v2/lookup" }, "error": "ECONNREFUSED" } ]
            """);

        var run = await CliRun.RunAsync("eval", "--rules", Samples, "--transaction", Login, "--http", fixtures);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Stderr.Should().NotContain("HTTP call with no fixture", "the CRM call was answered (with an error) and the rule stopped there");

        var none = _dir.WriteOutside("none.json", "[]");
        var unanswered = await CliRun.RunAsync("eval", "--rules", Samples, "--transaction", Login, "--http", none);
        unanswered.ExitCode.Should().Be(1);
        unanswered.Stderr.Should().Contain("""HTTP call with no fixture in """).And.Contain("""POST https://crm.example.com/v2/lookup {"email":"jordan.lee@gmail.com"}""");
    }

    [Fact]
    public async Task Malformed_fixtures_are_bad_input()
    {
        var fixtures = _dir.WriteOutside("bad.json", """[ { "request": { "url": "not a url" }, "response": {} } ]""");

        var run = await CliRun.RunAsync("eval", "--rules", Samples, "--transaction", Login, "--http", fixtures);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain("http[0]: request.url must be an absolute http or https URL");
    }

    [Fact]
    public async Task The_sample_http_rules_pass_their_fixture_cases()
    {
        var run = await CliRun.RunAsync("test", Samples);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("6 passed, 0 failed");
    }
}

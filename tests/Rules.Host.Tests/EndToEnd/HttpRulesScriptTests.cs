namespace Rules.Host.Tests.EndToEnd;

/// <summary>
/// Runs tests/e2e/http-rules.sh: the sample rules that call a CRM and Slack, first from fixtures (`rules test`), then on
/// the real server during an impersonation, against a loopback fake of both services that checks what it received.
/// </summary>
public class HttpRulesScriptTests
{
    [Fact]
    public async Task The_sample_http_rules_call_the_loopback_fakes_during_a_real_impersonation()
    {
        var (exitCode, output) = await RepositoryScript.RunAsync("tests/e2e/http-rules.sh", [],
            new Dictionary<string, string> { ["RULES_CMD"] = RepositoryScript.RulesCommand }, TimeSpan.FromMinutes(3));

        exitCode.Should().Be(0, output);
        output.Should().Contain("e2e: http rules passed");
    }
}

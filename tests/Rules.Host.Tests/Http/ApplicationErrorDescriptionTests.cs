using System.Net;
using Rules.Engine.Pipeline;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Http;

/// <summary>
/// What an application learns from a denial: a rule's own message, or one generic sentence when the pipeline failed.
/// Which rule failed and which limit tripped stay with the operator, in the audit entry and the decision log.
/// </summary>
public class ApplicationErrorDescriptionTests
{
    private const string Spin = "function spin(user, context, callback) { while (true) {} }";

    [Theory]
    [InlineData(Spin, "limit")]
    [InlineData("function (user, context, callback) { throw new Error('secret detail'); }", "rule_error")]
    [InlineData("function (user, context, callback) { }", "timeout")]
    public async Task A_failing_rule_reaches_the_callback_as_a_generic_description(string script, string kind)
    {
        using var rules = new TempRulesDirectory();
        rules.Write("spin.js", script);
        using var host = new HostHarness(new Dictionary<string, string?>
        {
            ["Rules:RulesDirectory"] = rules.Rules,
            ["Rules:Sandbox:MaxStatements"] = "10000",
        });

        var callback = HostHarness.CallbackParameters(await host.FollowAsync(await host.CreateLinkAsync()));

        callback["error"].Should().Be("access_denied");
        callback["error_description"].Should().Be(DenialDescriptions.Generic);
        var entry = host.AuditEntries("f").Should().ContainSingle().Subject;
        entry.description.Should().Contain("'spin'", "the operator still reads which rule failed");
        entry.Details["kind"]!.GetValue<string>().Should().Be(kind);
        entry.Details["rule"]!.GetValue<string>().Should().Be("spin");
        var outcome = host.DecisionRecords().Should().ContainSingle().Subject["outcome"]!;
        outcome["error_description"]!.GetValue<string>().Should().Contain("'spin'");
        outcome["failure"].Should().NotBeNull();
        if (kind == "limit")
        {
            outcome["failure"]!["limit"]!.GetValue<string>().Should().Be("MaxStatements");
        }
    }

    [Fact]
    public async Task A_rule_that_denies_without_a_message_names_no_rule_to_the_application()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("quiet.js", "function (user, context, callback) { callback(new UnauthorizedError()); }");
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var callback = HostHarness.CallbackParameters(await host.FollowAsync(await host.CreateLinkAsync()));

        callback["error"].Should().Be("unauthorized");
        callback["error_description"].Should().Be(DenialDescriptions.AccessDenied);
        host.DecisionRecords().Single()["outcome"]!["error_description"]!.GetValue<string>().Should().Be("Access denied by rule 'quiet'.");
    }

    [Fact]
    public async Task The_login_page_and_its_callback_show_the_generic_description_for_a_limit()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("spin.js", Spin);
        using var host = new HostHarness(new Dictionary<string, string?>
        {
            ["Rules:RulesDirectory"] = rules.Rules,
            ["Rules:Sandbox:MaxStatements"] = "10000",
        });
        using var browser = new LoginBrowser(host);

        var response = await browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        page.Should().Contain("Sign-in refused").And.Contain(DenialDescriptions.Generic);
        page.Should().NotContain("spin").And.NotContain("limit");
        host.AuditEntries("f").Should().ContainSingle().Which.description.Should().Contain("sandbox limit");
    }
}

using System.Text.Json.Nodes;
using Rules.Host.Risk;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>context.request.body, context.connectionOptions and context.riskAssessment (NewDevice, UntrustedIP) as the server fills them.</summary>
public sealed class RequestContextTests
{
    [Fact]
    public async Task A_password_login_sees_what_the_form_posted_without_the_password_or_the_csrf_token()
    {
        using var host = new HostHarness();
        using var browser = new LoginBrowser(host);

        await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);

        var context = Context(host);
        var body = context["request"]!["body"]!.AsObject();
        body["email"]!.GetValue<string>().Should().Be(HostHarness.JordanEmail);
        body.Should().NotContainKey("password").And.NotContainKey("csrf");
        context.ToJsonString().Should().NotContain(LoginBrowser.Password);
        context["connectionOptions"]!.ToJsonString().Should().Be(
            """{"brute_force_protection":true,"disable_signup":true,"requires_username":false,"import_mode":false,"password_complexity_options":{"min_length":8}}""");
    }

    [Fact]
    public async Task NewDevice_knows_a_browser_after_its_first_allowed_login_and_not_another_one()
    {
        using var host = new HostHarness();
        using var browser = new LoginBrowser(host);

        await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        Risk(host).ToJsonString().Should().Be("""{"confidence":"high","version":"1","assessments":{"NewDevice":{"confidence":"neutral","code":"initial_login","details":{"device":"unknown","useragent":"unknown"}},"UntrustedIP":{"confidence":"high","code":"not_found_on_deny_list","details":{"ip":"203.0.113.7"}}}}""");

        await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        NewDevice(host)["code"]!.GetValue<string>().Should().Be("match");
        NewDevice(host)["confidence"]!.GetValue<string>().Should().Be("high");

        using var sameAgentOtherBrowser = new LoginBrowser(host);
        await sameAgentOtherBrowser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        NewDevice(host)["code"]!.GetValue<string>().Should().Be("partial_match", "the user agent is known, the device is not");

        using var stranger = new LoginBrowser(host);
        stranger.Http.DefaultRequestHeaders.UserAgent.Clear();
        stranger.Http.DefaultRequestHeaders.UserAgent.ParseAdd("SomethingElse/9.0");
        await stranger.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        NewDevice(host)["code"]!.GetValue<string>().Should().Be("no_match");
        Risk(host)["confidence"]!.GetValue<string>().Should().Be("low");
    }

    [Fact]
    public async Task An_impersonated_login_is_assessed_but_never_adds_the_agents_browser_to_the_users_devices()
    {
        using var host = new HostHarness();
        await host.TokensAsync();
        NewDevice(host)["code"]!.GetValue<string>().Should().Be("initial_login");
        Context(host)["request"]!["body"]!.AsObject().Should().BeEmpty();
        host.Scalar<long>("SELECT COUNT(*) FROM user_devices").Should().Be(0);
    }

    [Fact]
    public async Task UntrustedIP_reports_an_address_on_the_operators_deny_list_and_lowers_the_confidence()
    {
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:Risk:UntrustedIps:0"] = "198.51.100.1", ["Rules:Risk:UntrustedIps:1"] = "203.0.113.0/24" });
        await host.TokensAsync();
        var untrusted = Risk(host)["assessments"]!["UntrustedIP"]!;
        untrusted.ToJsonString().Should().Be("""{"confidence":"low","code":"found_on_deny_list","details":{"ip":"203.0.113.7","matches":["203.0.113.0/24"],"source":"Rules:Risk:UntrustedIps","category":"configured"}}""");
        Risk(host)["confidence"]!.GetValue<string>().Should().Be("low");
    }

    [Fact]
    public void A_deny_list_entry_that_is_not_an_address_or_range_is_refused_by_name()
    {
        FluentActions.Invoking(() => new RiskOptions { UntrustedIps = ["10.0.0.0/8", "not-an-ip"] }.ParseUntrustedIps())
            .Should().Throw<InvalidOperationException>().WithMessage("*Rules:Risk:UntrustedIps*'not-an-ip'*");
    }

    private static JsonObject Context(HostHarness host) => host.DecisionRecords()[^1]["transaction"]!["context"]!.AsObject();

    private static JsonObject Risk(HostHarness host) => Context(host)["riskAssessment"]!.AsObject();

    private static JsonObject NewDevice(HostHarness host) => Risk(host)["assessments"]!["NewDevice"]!.AsObject();
}

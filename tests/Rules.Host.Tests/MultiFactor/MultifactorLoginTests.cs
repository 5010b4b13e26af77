using System.Net;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;
using static Rules.Host.Tests.MultiFactor.MultifactorSteps;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>A rule asks for a second factor: enrolment, the challenge, wrong and replayed codes, recovery codes, limits.</summary>
public sealed class MultifactorLoginTests : IDisposable
{
    private readonly HostHarness _host = new(new Dictionary<string, string?>
    {
        ["Rules:Login:Multifactor:MaxFailedCodes"] = "3",
        ["Rules:Login:Multifactor:FailedCodeWindow"] = "00:15:00",
    });
    private readonly LoginBrowser _browser;
    private readonly string _query = LoginBrowser.Query();

    public MultifactorLoginTests() => _browser = new LoginBrowser(_host);

    [Fact]
    public async Task The_first_challenge_enrols_and_nothing_is_issued_before_the_code()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);

        var signIn = await _browser.SignInAsync(_query, HostHarness.JordanEmail);

        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.Location!.ToString().Should().StartWith("/login/mfa?");
        signIn.Headers.GetValues("Set-Cookie").Should().NotContain(c => c.StartsWith("rules_session="), "no session before the second factor");
        _host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(0);
        _host.AuditEntries("mfar").Should().ContainSingle().Which.user_id.Should().Be(HostHarness.Jordan);
        _host.AuditEntries("s").Should().BeEmpty();

        var enrolPage = await PageAsync(_browser, _query);
        enrolPage.Should().Contain("<svg").And.Contain("Set up two-step verification");

        var secret = SecretOn(enrolPage);
        var confirmed = await SubmitAsync(_browser, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        var codesPage = await confirmed.Content.ReadAsStringAsync();
        RecoveryCodesOn(codesPage).Should().HaveCount(FactorStore.RecoveryCodeCount);
        _host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(0, "the recovery codes are shown before anything is issued");

        var callback = await _browser.Http.PostAsync("/login/mfa/continue?" + _query,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(codesPage) }));
        var parameters = HostHarness.CallbackParameters(callback);
        parameters.Should().ContainKey("code");
        var tokens = await _browser.ExchangeAsync(parameters["code"]);
        LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["sub"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        _host.AuditEntries(MultifactorAttemptLimiter.EnrolledType).Should().ContainSingle();
        _host.AuditEntries("s").Should().ContainSingle();
        _host.DecisionRecords()[^1].ToJsonString().Should().Contain("\"name\":\"mfa\"", "the rules ran again and saw the completed challenge");

        var again = await _browser.Http.PostAsync("/login/mfa/continue?" + _query,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = LoginBrowser.Csrf(codesPage) }));
        again.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a finished challenge finishes nothing twice");
    }

    [Fact]
    public async Task A_wrong_code_and_a_replayed_code_are_refused_and_audited()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (secret, _, first) = await EnrollAsync(_host, _browser, _query);
        first.StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var second = new LoginBrowser(_host);
        (await second.SignInAsync(_query, HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await PageAsync(second, _query);
        page.Should().Contain("Two-step verification").And.NotContain("totp-secret", "an enrolled user is never shown the secret again");

        var wrong = await SubmitAsync(second, _query, "000000" == Totp.Compute(secret, _host.Clock.GetUtcNow()) ? "111111" : "000000");
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("not right");

        // The code that enrolled the app, within its 30-second window: refused as a replay.
        var replayed = await SubmitAsync(second, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        replayed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await replayed.Content.ReadAsStringAsync()).Should().Contain("already used");
        _host.AuditEntries(MultifactorAttemptLimiter.FailedCodeType).Select(e => e.details).Should().HaveCount(2)
            .And.Contain(d => d.Contains("replayed_code"));
        _host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(1, "only the first login got a code");

        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = await SubmitAsync(second, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        HostHarness.CallbackParameters(next).Should().ContainKey("code");
    }

    [Fact]
    public async Task Wrong_codes_are_limited_per_user_until_the_window_passes()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (secret, _, _) = await EnrollAsync(_host, _browser, _query);

        using var attacker = new LoginBrowser(_host);
        (await attacker.SignInAsync(_query, HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        for (var i = 0; i < 3; i++)
        {
            (await SubmitAsync(attacker, _query, $"99999{i}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        var limited = await SubmitAsync(attacker, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        limited.StatusCode.Should().Be((HttpStatusCode)429, "even the right code is refused while the user is limited");
        _host.AuditEntries(MultifactorAttemptLimiter.LimitedType).Should().ContainSingle();

        _host.Clock.Advance(TimeSpan.FromMinutes(16));
        (await attacker.SignInAsync(_query, HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var later = await SubmitAsync(attacker, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()));
        HostHarness.CallbackParameters(later).Should().ContainKey("code");
    }

    [Fact]
    public async Task A_recovery_code_works_once()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (_, codes, _) = await EnrollAsync(_host, _browser, _query);

        using var lostPhone = new LoginBrowser(_host);
        (await lostPhone.SignInAsync(_query, HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var used = await SubmitAsync(lostPhone, _query, codes[0].ToLowerInvariant());
        HostHarness.CallbackParameters(used).Should().ContainKey("code");
        _host.AuditEntries(MultifactorAttemptLimiter.RecoverySucceededType).Should().ContainSingle();

        using var again = new LoginBrowser(_host);
        (await again.SignInAsync(_query, HostHarness.JordanEmail)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var reused = await SubmitAsync(again, _query, codes[0]);
        reused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await reused.Content.ReadAsStringAsync()).Should().Contain("already used");
        HostHarness.CallbackParameters(await SubmitAsync(again, _query, codes[1])).Should().ContainKey("code");
    }

    [Fact]
    public async Task A_remembered_browser_skips_the_challenge_until_the_cookie_expires()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (secret, _, first) = await EnrollAsync(_host, _browser, _query, remember: true);
        first.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith(RememberBrowser.CookieName(HostHarness.Jordan) + "="));

        var remembered = await _browser.SignInAsync(_query, HostHarness.JordanEmail);
        HostHarness.CallbackParameters(remembered).Should().ContainKey("code");

        using var otherBrowser = new LoginBrowser(_host);
        (await otherBrowser.SignInAsync(_query, HostHarness.JordanEmail)).Headers.Location!.ToString().Should().StartWith("/login/mfa");

        _host.Clock.Advance(TimeSpan.FromDays(31));
        var expired = await _browser.SignInAsync(_query, HostHarness.JordanEmail);
        expired.Headers.Location!.ToString().Should().StartWith("/login/mfa", "the remembered browser expired after 30 days");
        HostHarness.CallbackParameters(await SubmitAsync(_browser, _query, Totp.Compute(secret, _host.Clock.GetUtcNow()))).Should().ContainKey("code");
    }

    [Fact]
    public async Task Remember_browser_is_ignored_when_the_rule_does_not_allow_it()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan.Replace("allowRememberBrowser: true", "allowRememberBrowser: false"));
        var (_, _, first) = await EnrollAsync(_host, _browser, _query, remember: true);
        first.Headers.GetValues("Set-Cookie").Should().NotContain(c => c.StartsWith("rules_mfa_rb_"));
        (await _browser.SignInAsync(_query, HostHarness.JordanEmail)).Headers.Location!.ToString().Should().StartWith("/login/mfa");
    }

    [Fact]
    public async Task An_unknown_provider_denies_the_login()
    {
        await AddRuleAsync(_host, "duo", """
            function (user, context, callback) { context.multifactor = { provider: 'duo' }; callback(null, user, context); }
            """);

        var signIn = await _browser.SignInAsync(_query, HostHarness.JordanEmail);

        signIn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await signIn.Content.ReadAsStringAsync()).Should().Contain("Sign-in refused");
        _host.AuditEntries("f").Should().ContainSingle().Which.details.Should().Contain("rule_error");
        _host.DecisionRecords()[^1].ToJsonString().Should().Contain("duo\\u0027 is not available on this host");
        _host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(0);
    }

    [Fact]
    public async Task Prompt_none_answers_interaction_required_when_the_rules_want_a_challenge()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan.Replace("allowRememberBrowser: true", "allowRememberBrowser: false"));
        (await EnrollAsync(_host, _browser, _query)).Callback.StatusCode.Should().Be(HttpStatusCode.Redirect);

        var silent = await _browser.AuthorizeAsync(LoginBrowser.Query(extra: ("prompt", "none")));

        var parameters = HostHarness.CallbackParameters(silent);
        parameters["error"].Should().Be("interaction_required");
        parameters.Should().NotContainKey("code");
        _host.AuditEntries("fsa").Should().ContainSingle();
    }

    [Fact]
    public async Task Rules_that_check_authentication_methods_see_the_challenge_in_the_sso_session()
    {
        await AddRuleAsync(_host, "mfa-once", """
            function (user, context, callback) {
              const done = context.authentication.methods.some((m) => m.name === 'mfa');
              if (!done) context.multifactor = { provider: 'google-authenticator' };
              callback(null, user, context);
            }
            """);
        (await EnrollAsync(_host, _browser, _query)).Callback.StatusCode.Should().Be(HttpStatusCode.Redirect);

        var silent = await _browser.AuthorizeAsync(LoginBrowser.Query(extra: ("prompt", "none")));

        HostHarness.CallbackParameters(silent).Should().ContainKey("code");
    }

    [Fact]
    public async Task An_impersonated_login_never_challenges_the_impersonated_user()
    {
        await AddRuleAsync(_host, "mfa-everyone", """
            function (user, context, callback) { context.multifactor = { provider: 'any' }; callback(null, user, context); }
            """);

        var code = await _host.CodeAsync();

        code.Should().NotBeEmpty();
        _host.DecisionRecords()[^1].ToJsonString().Should().Contain("\"mfa\":{\"provider\":\"any\"", "the outcome still shows what the rules asked for");
    }

    [Fact]
    public async Task The_secret_is_encrypted_at_rest_and_absent_from_audit_and_decision_logs()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (secret, codes, _) = await EnrollAsync(_host, _browser, _query);

        var stored = _host.Scalar<string>("SELECT secret FROM mfa_enrollments WHERE user_id = @user", new { user = HostHarness.Jordan });
        stored.Should().NotContain(secret);
        var everything = string.Join("\n", _host.AuditEntries().Select(e => e.details + e.description)) + string.Join("\n", _host.DecisionRecords());
        everything.Should().NotContain(secret).And.NotContain(codes[0]);
        _host.Scalar<long>("SELECT COUNT(*) FROM mfa_recovery_codes WHERE code_hash = @code", new { code = codes[0] }).Should().Be(0, "recovery codes are stored hashed");
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}

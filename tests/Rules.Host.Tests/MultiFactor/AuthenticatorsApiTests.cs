using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.MultiFactor;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;
using static Rules.Host.Tests.MultiFactor.MultifactorSteps;

namespace Rules.Host.Tests.MultiFactor;

/// <summary>The Management API over a user's factor: list (never the secret), regenerate recovery codes, reset.</summary>
public sealed class AuthenticatorsApiTests : IDisposable
{
    private readonly HostHarness _host = new();
    private readonly LoginBrowser _browser;
    private readonly string _query = LoginBrowser.Query();

    public AuthenticatorsApiTests() => _browser = new LoginBrowser(_host);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? scope = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _host.ManagementTokenAsync(scope));
        return await _host.Client.SendAsync(request);
    }

    private static string Users(string id, string rest) => $"/api/v2/users/{Uri.EscapeDataString(id)}/{rest}";

    [Fact]
    public async Task An_operator_sees_the_factor_regenerates_recovery_codes_and_resets_it_and_no_response_has_the_secret()
    {
        await AddRuleAsync(_host, "mfa", AlwaysForJordan);
        var (secret, oldCodes, _) = await EnrollAsync(_host, _browser, _query);

        var list = await SendAsync(HttpMethod.Get, Users(HostHarness.Jordan, "enrollments"));
        var listBody = await list.Content.ReadAsStringAsync();
        list.StatusCode.Should().Be(HttpStatusCode.OK, listBody);
        var enrollment = JsonNode.Parse(listBody)!.AsArray().Should().ContainSingle().Subject!.AsObject();
        enrollment["status"]!.GetValue<string>().Should().Be("confirmed");
        enrollment["recovery_codes_left"]!.GetValue<int>().Should().Be(FactorStore.RecoveryCodeCount);
        listBody.Should().NotContain(secret);

        var regenerated = await SendAsync(HttpMethod.Post, Users(HostHarness.Jordan, "recovery-code-regeneration"));
        var regeneratedBody = await regenerated.Content.ReadFromJsonAsync<JsonObject>();
        regenerated.StatusCode.Should().Be(HttpStatusCode.OK);
        var newCodes = regeneratedBody!["recovery_codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        newCodes.Should().HaveCount(FactorStore.RecoveryCodeCount).And.NotIntersectWith(oldCodes);
        regeneratedBody.ToJsonString().Should().NotContain(secret);
        _host.AuditEntries(FactorAdministration.RecoveryCodesType).Should().ContainSingle();

        using (var lostPhone = new LoginBrowser(_host))
        {
            await lostPhone.SignInAsync(_query, HostHarness.JordanEmail);
            (await SubmitAsync(lostPhone, _query, oldCodes[0])).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the old codes were replaced");
        }

        var reset = await SendAsync(HttpMethod.Delete, Users(HostHarness.Jordan, "authenticators"));
        reset.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var audit = _host.AuditEntries(FactorAdministration.ResetType).Should().ContainSingle().Subject;
        audit.user_id.Should().Be(HostHarness.Jordan);
        audit.Details["requested_by"]!.GetValue<string>().Should().Be(HostHarness.ToolingClientId + "@clients");
        JsonNode.Parse(await (await SendAsync(HttpMethod.Get, Users(HostHarness.Jordan, "enrollments"))).Content.ReadAsStringAsync())!.AsArray().Should().BeEmpty();

        using var next = new LoginBrowser(_host);
        await next.SignInAsync(_query, HostHarness.JordanEmail);
        var enrolAgain = await PageAsync(next, _query);
        enrolAgain.Should().Contain("Set up two-step verification");
        SecretOn(enrolAgain).Should().NotBe(secret, "a reset factor is replaced by a new secret");

        var everything = string.Join("\n", _host.AuditEntries().Select(e => e.details + e.description)) + string.Join("\n", _host.DecisionRecords());
        everything.Should().NotContain(secret).And.NotContain(newCodes[0]);
    }

    [Fact]
    public async Task Routes_need_their_scopes_and_an_existing_user()
    {
        (await SendAsync(HttpMethod.Delete, Users(HostHarness.Jordan, "authenticators"), "read:users")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await SendAsync(HttpMethod.Get, Users("auth0|nobody", "enrollments"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await SendAsync(HttpMethod.Post, Users(HostHarness.Jordan, "recovery-code-regeneration"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    public void Dispose()
    {
        _browser.Dispose();
        _host.Dispose();
    }
}

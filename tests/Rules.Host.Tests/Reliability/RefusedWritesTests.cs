using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Reliability;

/// <summary>
/// The database refuses a write (a trigger stands in for a full disk or a read-only file): the login fails closed
/// with a clear 503, and the records of the login are all there or none are, so no code or session exists
/// without its audit entry and decision record.
/// </summary>
public sealed class RefusedWritesTests : IDisposable
{
    private readonly HostHarness _host = new();

    private void Refuse(string table) => _host.Execute(_host.Service<Database>() is PostgresDatabase
        ? $"CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk I/O error (simulated)'; END $$;"
          + $" CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_{table}();"
        : $"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;");

    private long Count(string table) => _host.Scalar<long>($"SELECT COUNT(*) FROM {table}");

    [Theory]
    [InlineData("audit_log")]
    [InlineData("decision_log")]
    public async Task A_link_whose_login_cannot_be_recorded_issues_no_code(string refusedTable)
    {
        var link = await _host.CreateLinkAsync();
        Refuse(refusedTable);

        var response = await _host.FollowAsync(link);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.Location.Should().BeNull();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        body!["errorCode"]!.GetValue<string>().Should().Be("database_unavailable");
        body["message"]!.GetValue<string>().Should().Contain("nothing was issued");
        Count("authorization_codes").Should().Be(0);
        Count("decision_log").Should().Be(0);
        _host.AuditEntries("s").Should().BeEmpty();
    }

    [Fact]
    public async Task A_password_login_that_cannot_be_recorded_starts_no_session_and_issues_no_code()
    {
        using var browser = new LoginBrowser(_host);
        var csrf = LoginBrowser.Csrf(await browser.LoginPageAsync(LoginBrowser.Query()));
        Refuse("decision_log");
        var visitsBefore = _host.Service<Rules.Host.Tenant.TenantStore>().GetUser(HostHarness.Jordan)!.Profile["app_metadata"]!["visits"]!.GetValue<long>();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login?" + LoginBrowser.Query())
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["csrf"] = csrf, ["email"] = HostHarness.JordanEmail, ["password"] = LoginBrowser.Password,
            }),
        };
        request.Headers.Accept.ParseAdd("text/html");
        var response = await browser.Http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Contain("could not write to its database");
        response.Headers.Contains("Set-Cookie").Should().BeFalse("the exception handler clears the session cookie with the response");
        Count("sessions").Should().Be(0);
        Count("authorization_codes").Should().Be(0);
        _host.AuditEntries("s").Should().BeEmpty();
        _host.Service<Rules.Host.Tenant.TenantStore>().GetUser(HostHarness.Jordan)!.Profile["app_metadata"]!["visits"]!.GetValue<long>()
            .Should().Be(visitsBefore, "the rules' metadata change belongs to the login that was not recorded");
    }

    [Fact]
    public async Task A_link_whose_creation_cannot_be_audited_does_not_exist()
    {
        var token = await _host.ManagementTokenAsync();
        Refuse("audit_log");

        var response = await _host.ImpersonateAsync(HostHarness.Jordan, HostHarness.ImpersonationBody(), token);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        Count("impersonation_links").Should().Be(0);
    }

    public void Dispose() => _host.Dispose();
}

using System.Text.Json.Nodes;
using Rules.Host.Modules.Auth0;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Modules;

/// <summary>
/// require('auth0') on the real login path: the rule's ManagementClient is answered from the server's own store,
/// in-process, within the scopes AUTH0_ACCESS_TOKEN_SCOPE grants, and every call leaves an audit entry.
/// </summary>
public sealed class Auth0ModuleTests
{
    // Auth0's account-linking template, as teams wrote it: look the user up by email (promise style), read them
    // back (callback style), record the check in app_metadata, then try to link.
    private const string LinkingRule = """
        async function linkAccounts(user, context, callback) {
          const ManagementClient = require('auth0@2.9.1').ManagementClient;
          const management = new ManagementClient({ domain: auth0.domain, token: auth0.accessToken });
          const same = await management.getUsersByEmail(user.email);
          const fetched = await new Promise((resolve, reject) =>
            management.getUser({ id: user.user_id }, (err, found) => err ? reject(err) : resolve(found)));
          const updated = await management.updateAppMetadata({ id: user.user_id }, { link_checked: same.length });
          let linkError;
          try {
            await management.linkUsers(user.user_id, { user_id: 'other', provider: 'google-oauth2' });
          } catch (e) {
            linkError = e.statusCode + ' ' + e.message;
          }
          context.idToken['https://example.com/same'] = same.map(u => u.user_id).join(',');
          context.idToken['https://example.com/fetched'] = fetched.email;
          context.idToken['https://example.com/checked'] = updated.app_metadata.link_checked;
          context.idToken['https://example.com/link'] = linkError;
          callback(null, user, context);
        }
        """;

    private const string LookupRule = """
        function lookup(user, context, callback) {
          const { ManagementClient } = require('auth0');
          new ManagementClient({ domain: auth0.domain, clientId: 'x', clientSecret: 'y' }).getUser({ id: user.user_id }, (err) => {
            context.idToken['https://example.com/error'] = err ? err.statusCode + ' ' + err.message : 'none';
            callback(null, user, context);
          });
        }
        """;

    [Fact]
    public async Task A_rule_looks_up_and_updates_users_through_ManagementClient_on_a_password_login_and_every_call_is_audited()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("link.js", LinkingRule);
        rules.Write("rules.json", """{ "rules": [ { "file": "link.js" } ], "configuration": { "AUTH0_ACCESS_TOKEN_SCOPE": "read:users update:users" } }""");
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        using var browser = new LoginBrowser(host);

        var callback = await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var tokens = await browser.ExchangeAsync(callback["code"]);

        var claims = LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>());
        claims["https://example.com/same"]!.GetValue<string>().Should().Be(HostHarness.Jordan);
        claims["https://example.com/fetched"]!.GetValue<string>().Should().Be(HostHarness.JordanEmail);
        claims["https://example.com/checked"]!.GetValue<int>().Should().Be(1);
        claims["https://example.com/link"]!.GetValue<string>().Should().StartWith("501 linkUsers is not supported by this server");

        host.Scalar<string>("SELECT profile FROM users WHERE user_id = @id", new { id = HostHarness.Jordan }).Should().Contain("\"link_checked\":1");

        var lookups = host.AuditEntries(RuleManagementCalls.SucceededType);
        lookups.Select(e => e.Details["operation"]!.GetValue<string>()).Should().Equal("ManagementClient.getUsersByEmail", "ManagementClient.getUser");
        lookups.Should().AllSatisfy(e =>
        {
            e.client_id.Should().Be("rules@rules");
            e.ip.Should().Be(HostHarness.ClientIp);
            e.Details["actor"]!["kind"]!.GetValue<string>().Should().Be("rules");
        });
        var change = host.AuditEntries("user_updated").Should().ContainSingle().Subject;
        change.user_id.Should().Be(HostHarness.Jordan);
        change.Details["actor"]!["kind"]!.GetValue<string>().Should().Be("rules");
        var refused = host.AuditEntries(RuleManagementCalls.FailedType).Should().ContainSingle().Subject;
        refused.Details["operation"]!.GetValue<string>().Should().Be("ManagementClient.linkUsers");
        refused.Details["status"]!.GetValue<int>().Should().Be(501);

        // In-process: the decision log records the calls like HTTP calls, to the name that never resolves.
        var calls = host.DecisionRecords().Single()["outcome"]!["http"]!.AsArray();
        calls.Select(c => c!["host"]!.GetValue<string>()).Should().HaveCount(4).And.AllBe("https://host.rules.invalid");
    }

    [Fact]
    public async Task Without_a_granted_scope_a_call_fails_naming_the_scope_and_the_configuration_key_and_is_audited()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("lookup.js", LookupRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        using var browser = new LoginBrowser(host);

        var callback = await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        var tokens = await browser.ExchangeAsync(callback["code"]);

        var error = LoginBrowser.Payload(tokens["id_token"]!.GetValue<string>())["https://example.com/error"]!.GetValue<string>();
        error.Should().StartWith("403 Insufficient scope, expected: read:users.").And.Contain("grants no scopes").And.Contain("AUTH0_ACCESS_TOKEN_SCOPE");
        var entry = host.AuditEntries(RuleManagementCalls.FailedType).Should().ContainSingle().Subject;
        entry.user_id.Should().Be(HostHarness.Jordan);
        entry.Details["scope"]!.GetValue<string>().Should().Be("read:users");
        host.AuditEntries(RuleManagementCalls.SucceededType).Should().BeEmpty();
    }
}

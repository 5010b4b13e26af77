using System.Text.Json.Nodes;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>context.authorization.roles on every kind of login: the login page and impersonation (the impersonated user's roles).</summary>
public sealed class AuthorizationContextTests
{
    private const string RolesRule = """
        function (user, context, callback) {
          var roles = (context.authorization && context.authorization.roles) || 'missing';
          context.idToken['https://rules.example.com/roles'] = roles;
          if (roles.indexOf && roles.indexOf('Blocked Role') >= 0) {
            return callback(new UnauthorizedError('holders of Blocked Role may not sign in'));
          }
          callback(null, user, context);
        }
        """;

    [Fact]
    public async Task A_password_login_sees_the_users_role_names_and_a_rule_can_deny_on_them()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("roles.js", RolesRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        using var browser = new LoginBrowser(host);

        (await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.PriyaEmail)).Should().ContainKey("code");
        Roles(host.DecisionRecords()[^1]).Should().Equal("Support Agent");

        (await browser.SignInForCallbackAsync(LoginBrowser.Query(), HostHarness.JordanEmail)).Should().ContainKey("code");
        Roles(host.DecisionRecords()[^1]).Should().BeEmpty("a user without roles gets an empty list, never a missing field");

        var store = host.Service<RoleStore>();
        var (_, blocked) = store.Create("Blocked Role", null);
        store.Assign([HostHarness.Jordan], [blocked!.Id]);
        var denied = await browser.SignInAsync(LoginBrowser.Query(), HostHarness.JordanEmail);
        (await denied.Content.ReadAsStringAsync()).Should().Contain("holders of Blocked Role may not sign in");
    }

    [Fact]
    public async Task An_impersonated_login_sees_the_impersonated_users_roles_not_the_agents()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("roles.js", RolesRule);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        await host.TokensAsync(HostHarness.Sam);
        Roles(host.DecisionRecords().Single()).Should().Equal("Admin");
        host.DecisionRecords().Single()["transaction"]!["user"]!["impersonator"]!["user_id"]!.GetValue<string>().Should().Be(HostHarness.Priya);
    }

    private static IEnumerable<string> Roles(JsonObject record) =>
        record["transaction"]!["context"]!["authorization"]!["roles"]!.AsArray().Select(r => r!.GetValue<string>());
}

using System.Text;
using Rules.Engine.Pipeline;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The editor's "Try this rule" panel: pick a user, an application and (optionally) an impersonator to build a sample
/// login, edit it as JSON, give the answers to the rule's HTTP calls (fixtures), and run the script in the editor alone
/// or in the whole pipeline. try-rule.js sends it to <see cref="RuleTrialEndpoints"/> and shows the outcome, the claims,
/// the HTTP calls and the console output.
/// </summary>
public static class TryThisRule
{
    private const string FixtureExample = """[{ "request": { "method": "GET", "url": "https://crm.example.com/v2/lookup" }, "response": { "status": 200, "json": { "tier": "gold" } } }]""";

    public static string Section(StoredRule rule, TenantStore tenant, HttpContext http, TimeProvider clock)
    {
        var users = tenant.ListUsers(null, 0, 100).Users;
        var clients = tenant.ListClients().Where(c => c.Callbacks.Count > 0).ToArray();
        var sample = DefaultSample(users, clients, tenant, http, clock);
        return $"""
            <section aria-labelledby="try-heading" class="card" id="try" data-rule-id="{HtmlPage.Encode(rule.Id)}">
              <h2 id="try-heading">Try this rule</h2>
              <p class="muted">Runs the script above (saved or not) against a sample login, in a private sandbox with the server's limits. Nothing live changes: metadata updates are only reported.</p>
              <form id="try-form" novalidate>
                <fieldset><legend>Sample login</legend>
                  <div class="grid">
                    <div><label for="try-user">User</label><select id="try-user">{Options(users.Select(u => (u.UserId, $"{u.Profile["name"]?.GetValue<string>() ?? u.Email} ({u.Email ?? u.UserId})")), null)}</select></div>
                    <div><label for="try-client">Application</label><select id="try-client">{Options(clients.Select(c => (c.ClientId, c.Name)), null)}</select></div>
                    <div><label for="try-impersonator">Impersonated by</label><select id="try-impersonator">{Options(users.Select(u => (u.UserId, u.Email ?? u.UserId)), "Nobody (a normal login)")}</select></div>
                  </div>
                  <button type="button" id="try-build" class="secondary">Build sample</button>
                </fieldset>
                <label for="try-transaction">Transaction <span class="muted">(user, context, now; edit freely)</span></label>
                <textarea id="try-transaction" rows="14" spellcheck="false" autocapitalize="off">{HtmlPage.Encode(sample)}</textarea>
                <label for="try-http">HTTP fixtures <span class="muted">(the answers to the rule's HTTP calls, as in <code>rules test</code>: <code>{HtmlPage.Encode(FixtureExample)}</code>; a call no fixture answers fails inside the rule; nothing is sent)</span></label>
                <textarea id="try-http" rows="4" spellcheck="false" autocapitalize="off">[]</textarea>
                <fieldset><legend>Run</legend>
                  <label class="inline"><input type="radio" name="try-scope" value="rule" checked> This rule only</label>
                  <label class="inline"><input type="radio" name="try-scope" value="pipeline"> The whole pipeline, with this rule as edited</label>
                </fieldset>
                <button type="submit" id="try-run">Try</button>
              </form>
              <div id="try-result" aria-live="polite"></div>
            </section>
            """;
    }

    private static string DefaultSample(IReadOnlyList<TenantUser> users, IReadOnlyList<Client> clients, TenantStore tenant, HttpContext http, TimeProvider clock)
    {
        if (users.Count == 0 || clients.Count == 0 || tenant.GetConnection(users[0].Connection) is not { } connection)
        {
            return """{ "user": { "user_id": "auth0|sample" }, "context": {} }""";
        }
        var transaction = RuleTrialSample.Build(users[0], clients[0], connection, null, tenant.GetSettings(),
            http.RequestServices.GetRequiredService<RoleStore>().NamesOf(users[0].UserId), http, clock.GetUtcNow());
        return TransactionJson.ToJson(transaction).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    private static string Options(IEnumerable<(string Value, string Label)> options, string? none)
    {
        var html = new StringBuilder(none is null ? "" : $"""<option value="">{HtmlPage.Encode(none)}</option>""");
        foreach (var (value, label) in options)
        {
            html.Append($"""<option value="{HtmlPage.Encode(value)}">{HtmlPage.Encode(label)}</option>""");
        }
        return html.ToString();
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// GET /dashboard/logs: the audit trail through the Management API's <see cref="AuditLogSearch"/>, filtered by user,
/// impersonator, application, outcome and dates (the same parsing as /api/v2/logs); and GET /dashboard/logs/{id}: one
/// entry with the decision behind it from <see cref="DecisionLog"/> (which rule decided, per-rule timings, the login).
/// </summary>
public static class LogsPages
{
    private const int PerPage = 50;

    public static IResult List(HttpContext http, AuditLogSearch search, TenantStore store)
    {
        var query = http.Request.Query;
        var from = ManagementQuery.Date(query, "from", upperBound: false);
        var to = ManagementQuery.Date(query, "to", upperBound: true);
        var outcome = ManagementQuery.Single(query, "outcome");
        var page = int.TryParse(ManagementQuery.Single(query, "page"), out var p) && p > 0 ? p : 0;
        string? error = (from.Error ?? to.Error)?.Message;
        if (outcome is not (null or "allow" or "deny" or "redirect"))
        {
            error = "Outcome must be allowed, denied or suspended.";
        }

        var rows = new StringBuilder();
        var total = 0;
        if (error is null)
        {
            var filter = new LogFilter(ManagementQuery.Single(query, "user_id"), ManagementQuery.Single(query, "impersonator_id"),
                ManagementQuery.Single(query, "client_id"), From: from.Value, To: to.Value, Outcome: outcome);
            var (logs, count) = search.Find(filter, page, PerPage);
            total = count;
            foreach (var log in logs)
            {
                var decision = log["details"]?["decision"]?.GetValue<string>();
                rows.Append($"""
                    <tr><td><a href="{HtmlPage.Encode(DashboardRoutes.Log(log["log_id"]!.GetValue<string>()))}">{HtmlPage.Encode(log["date"]?.GetValue<string>())}</a></td>
                    <td><code>{HtmlPage.Encode(log["type"]?.GetValue<string>())}</code></td>
                    <td>{HtmlPage.Encode(log["description"]?.GetValue<string>())}</td>
                    <td>{HtmlPage.Encode(log["user_name"]?.GetValue<string>() ?? log["user_id"]?.GetValue<string>())}</td>
                    <td>{HtmlPage.Encode(log["impersonator"]?["email"]?.GetValue<string>() ?? log["impersonator"]?["user_id"]?.GetValue<string>())}</td>
                    <td>{HtmlPage.Encode(log["client_name"]?.GetValue<string>())}</td>
                    <td>{Badge(decision)}</td></tr>
                    """);
            }
        }

        string Value(string name) => HtmlPage.Encode(ManagementQuery.Single(query, name));
        var clients = string.Concat(store.ListClients().Select(c =>
            $"""<option value="{HtmlPage.Encode(c.ClientId)}"{(c.ClientId == ManagementQuery.Single(query, "client_id") ? " selected" : "")}>{HtmlPage.Encode(c.Name)}</option>"""));
        var qs = string.Join("&", query.Where(q => q.Key != "page").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}"));
        var body = $"""
            <h1>Logs</h1>
            <form class="filters" method="get" action="{DashboardRoutes.Logs}" aria-label="Filter the logs">
              <div><label for="f-user">User ID</label><input id="f-user" name="user_id" value="{Value("user_id")}"></div>
              <div><label for="f-impersonator">Impersonator ID</label><input id="f-impersonator" name="impersonator_id" value="{Value("impersonator_id")}"></div>
              <div><label for="f-client">Application</label><select id="f-client" name="client_id"><option value="">Any</option>{clients}</select></div>
              <div><label for="f-outcome">Outcome</label><select id="f-outcome" name="outcome"><option value="">Any</option>
                <option value="allow"{(outcome == "allow" ? " selected" : "")}>Allowed</option><option value="deny"{(outcome == "deny" ? " selected" : "")}>Denied</option><option value="redirect"{(outcome == "redirect" ? " selected" : "")}>Suspended (redirect)</option></select></div>
              <div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="{Value("from")}"></div>
              <div><label for="f-to">To</label><input id="f-to" name="to" type="date" value="{Value("to")}"></div>
              <div class="filter-actions"><button type="submit">Filter</button> <a href="{DashboardRoutes.Logs}">Clear</a></div>
            </form>
            {DashboardPage.Notice(error, "error")}
            <p class="muted" role="status">{total} entr{(total == 1 ? "y" : "ies")}, newest first.</p>
            <div class="table-wrap"><table>
              <thead><tr><th scope="col">Date (UTC)</th><th scope="col">Type</th><th scope="col">Description</th><th scope="col">User</th><th scope="col">Impersonator</th><th scope="col">Application</th><th scope="col">Outcome</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            {UsersPages.Pager($"{DashboardRoutes.Logs}?{qs}{(qs.Length > 0 ? "&" : "")}page=", page, total, Math.Min(PerPage, Math.Max(0, total - page * PerPage)))}
            """;
        return DashboardPage.Render(http, "Logs", body, DashboardPage.Section.Logs, error is null ? 200 : 400);
    }

    public static IResult Show(string log_id, HttpContext http, AuditLogSearch search, DecisionLog decisions)
    {
        if (search.Get(log_id) is not { } log)
        {
            return DashboardPage.Render(http, "Log entry not found", $"<h1>Log entry not found</h1>{DashboardPage.Notice("No log entry has this id.", "error")}", DashboardPage.Section.Logs, 404);
        }
        var details = log["details"] as JsonObject ?? [];
        var decisionId = details["decision_id"]?.GetValue<string>();
        var record = decisionId is null ? null : decisions.Get(decisionId);
        var body = $"""
            <p class="crumbs"><a href="{DashboardRoutes.Logs}">Logs</a> / {HtmlPage.Encode(log_id)}</p>
            <h1>{HtmlPage.Encode(log["description"]?.GetValue<string>() ?? log["type"]?.GetValue<string>())}</h1>
            <section class="card" aria-labelledby="entry-heading"><h2 id="entry-heading">Entry</h2>
              <dl class="facts">
                {Fact("Date (UTC)", log["date"])}{Fact("Type", log["type"])}{Fact("User", log["user_name"] ?? log["user_id"])}{Fact("User ID", log["user_id"])}
                {Fact("Impersonator", log["impersonator"]?["email"] ?? log["impersonator"]?["user_id"])}{Fact("Application", log["client_name"])}
                {Fact("IP", log["ip"])}{Fact("User agent", log["user_agent"])}
              </dl>
            </section>
            {Decision(record, details)}
            <section class="card" aria-labelledby="details-heading"><h2 id="details-heading">Details</h2>{DashboardPage.Json(details)}</section>
            """;
        return DashboardPage.Render(http, "Log entry", body, DashboardPage.Section.Logs);
    }

    private static string Decision(JsonObject? record, JsonObject details)
    {
        if (record?["outcome"] is not JsonObject outcome)
        {
            return details["decision_id"] is null ? "" : DashboardPage.Notice("The decision record for this entry is not in the decision log.", "warning");
        }
        var decision = outcome["decision"]?.GetValue<string>();
        var decidedBy = decision switch
        {
            "allow" => "Every enabled rule allowed the login.",
            "redirect" => $"Suspended by the rule “{outcome["rule"]}”, which sent the browser to {outcome["url"]}; the login continues at /continue.",
            _ => $"Denied by the rule “{outcome["rule"]}”: {outcome["error_description"]} ({outcome["kind"]})",
        };
        var timings = new StringBuilder();
        foreach (var (rule, ms) in outcome["timings"]?["rules"] as JsonObject ?? [])
        {
            timings.Append($"<tr><td>{HtmlPage.Encode(rule)}</td><td class=\"num\">{HtmlPage.Encode(ms?.ToJsonString())}</td></tr>");
        }
        return $"""
            <section class="card" aria-labelledby="decision-heading"><h2 id="decision-heading">Decision {Badge(decision)}</h2>
              <p id="decided-by">{HtmlPage.Encode(decidedBy)}</p>
              <dl class="facts">{Fact("Decision ID", record["id"])}{Fact("Rule-set version", outcome["ruleSetVersion"])}{Fact("Total time (ms)", outcome["timings"]?["totalMs"])}</dl>
              <div class="table-wrap"><table><caption>Time per rule, in the order they ran</caption>
                <thead><tr><th scope="col">Rule</th><th scope="col">ms</th></tr></thead><tbody>{timings}</tbody></table></div>
              <details><summary>Outcome</summary>{DashboardPage.Json(outcome)}</details>
              <details><summary>The login as the rules saw it</summary>{DashboardPage.Json(record["transaction"])}</details>
            </section>
            """;
    }

    private static string Badge(string? decision) => decision switch
    {
        "allow" => "<span class=\"badge allow\">allowed</span>",
        "deny" => "<span class=\"badge deny\">denied</span>",
        "redirect" => "<span class=\"badge off\">suspended</span>",
        _ => "",
    };

    private static string Fact(string label, JsonNode? value) =>
        $"<dt>{HtmlPage.Encode(label)}</dt><dd>{HtmlPage.Encode(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "—")}</dd>";
}

using System.Text;
using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// GET /dashboard/rules (the ordered list, enable/disable, move up/down) and the editor at /dashboard/rules/{id}. Every
/// change goes through the Management API's <see cref="RuleSetEditor"/>: the whole candidate set is compiled before
/// anything is saved, so the Dashboard and the API refuse the same scripts with the same file:line:col errors.
/// Forms post, then redirect back to the page (POST/redirect/GET), so a reload never repeats a change.
/// </summary>
public static class RulesPages
{
    public static IResult List(HttpContext http, RuleStore store, RuleSetEditor editor, string? done) =>
        ListPage(http, store, editor, Done(done), null);

    public static async Task<IResult> SetEnabledAsync(string id, HttpContext http, RuleStore store, RuleSetEditor editor, DashboardAudit audit)
    {
        var form = await http.Request.ReadFormAsync();
        var enabled = form["enabled"].ToString() == "true";
        var edit = editor.UpdateRule(id, new RuleUpdateRequest(null, null, null, enabled), Actor(http));
        if (edit.IsError)
        {
            return ListPage(http, store, editor, null, edit.Error!.Message, edit.Error.StatusCode);
        }
        audit.Acted(http, enabled ? "rule_enabled" : "rule_disabled", $"{(enabled ? "enabled" : "disabled")} the rule \"{edit.Value!.Name}\"",
            new JsonObject { ["rule_id"] = id, ["rule"] = edit.Value.Name, ["ruleSetVersion"] = edit.Version });
        return Results.Redirect($"{DashboardRoutes.Rules}?done={(enabled ? "enabled" : "disabled")}");
    }

    public static async Task<IResult> MoveAsync(string id, HttpContext http, RuleStore store, RuleSetEditor editor, DashboardAudit audit)
    {
        var form = await http.Request.ReadFormAsync();
        var direction = form["direction"].ToString();
        var ids = store.List().Select(r => r.Id).ToList();
        var index = ids.IndexOf(id);
        var target = direction == "up" ? index - 1 : direction == "down" ? index + 1 : -1;
        if (index < 0 || target < 0 || target >= ids.Count)
        {
            return ListPage(http, store, editor, null, index < 0 ? "The rule does not exist." : "The rule cannot move that way.", index < 0 ? 404 : 400);
        }
        (ids[index], ids[target]) = (ids[target], ids[index]);
        var edit = editor.ReorderRules(ids, Actor(http));
        if (edit.IsError)
        {
            return ListPage(http, store, editor, null, edit.Error!.Message, edit.Error.StatusCode);
        }
        var moved = edit.Value!.Single(r => r.Id == id);
        audit.Acted(http, "rule_moved", $"moved the rule \"{moved.Name}\" {direction} to position {moved.Order}",
            new JsonObject { ["rule_id"] = id, ["rule"] = moved.Name, ["order"] = moved.Order, ["ruleSetVersion"] = edit.Version });
        return Results.Redirect($"{DashboardRoutes.Rules}?done=moved");
    }

    public static IResult Edit(string id, HttpContext http, RuleStore store, RuleSetEditor editor, TenantStore tenant, TimeProvider clock, string? done) =>
        store.Get(id) is { } rule
            ? EditorPage(http, rule, rule.Script, editor, tenant, clock, Done(done), [])
            : NotFound(http);

    public static async Task<IResult> SaveAsync(string id, HttpContext http, RuleStore store, RuleSetEditor editor, TenantStore tenant, TimeProvider clock, DashboardAudit audit)
    {
        if (store.Get(id) is not { } rule)
        {
            return NotFound(http);
        }
        var form = await http.Request.ReadFormAsync();
        var script = form["script"].ToString().Replace("\r\n", "\n");
        var edit = editor.UpdateRule(id, new RuleUpdateRequest(null, script, null, null), Actor(http));
        if (edit.IsError)
        {
            audit.Acted(http, "rule_save_refused", $"tried to save the rule \"{rule.Name}\": {edit.Error!.ErrorCode}",
                new JsonObject { ["rule_id"] = id, ["rule"] = rule.Name, ["error_code"] = edit.Error.ErrorCode });
            var message = edit.CompileErrors is { Count: > 0 } ? "Not saved: the rule set does not compile." : edit.Error.Message;
            return EditorPage(http, rule, script, editor, tenant, clock, null, edit.CompileErrors ?? [], message, edit.Error.StatusCode);
        }
        audit.Acted(http, "rule_saved", $"saved the rule \"{rule.Name}\"", new JsonObject { ["rule_id"] = id, ["rule"] = rule.Name, ["ruleSetVersion"] = edit.Version });
        return Results.Redirect($"{DashboardRoutes.Rule(id)}?done=saved");
    }

    private static string? Done(string? done) => done switch
    {
        "enabled" => "Rule enabled. The change is live.",
        "disabled" => "Rule disabled. The change is live.",
        "moved" => "Order changed. The change is live.",
        "saved" => "Saved. The change is live.",
        _ => null,
    };

    /// <summary>The signed-in operator, as the change's audit entry names them.</summary>
    private static Audit.ChangeActor Actor(HttpContext http)
    {
        var who = DashboardOperator.From(http.User);
        return Audit.ChangeActor.Operator(who.UserId, who.Email).From(http);
    }

    private static IResult NotFound(HttpContext http) =>
        DashboardPage.Render(http, "Rule not found", $"<h1>Rule not found</h1>{DashboardPage.Notice("No rule has this id.", "error")}", DashboardPage.Section.Rules, 404);

    private static IResult ListPage(HttpContext http, RuleStore store, RuleSetEditor editor, string? notice, string? error, int statusCode = 200)
    {
        var csrf = DashboardCsrf.Token(http);
        var rules = store.List();
        var readOnly = editor.ReadOnly;
        var disabled = readOnly is null ? "" : " disabled";
        var rows = new StringBuilder();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var action = HtmlPage.Encode(DashboardRoutes.Rule(rule.Id));
            var name = HtmlPage.Encode(rule.Name);
            rows.Append($"""
                <tr>
                  <td class="num">{i + 1}</td>
                  <td><a href="{action}">{name}</a></td>
                  <td><span class="badge {(rule.Enabled ? "allow" : "off")}">{(rule.Enabled ? "enabled" : "disabled")}</span></td>
                  <td class="row-actions">
                    <form method="post" action="{action}/enabled">{DashboardCsrf.Field(csrf)}<input type="hidden" name="enabled" value="{(rule.Enabled ? "false" : "true")}">
                      <button type="submit" class="secondary"{disabled} aria-label="{(rule.Enabled ? "Disable" : "Enable")} {name}">{(rule.Enabled ? "Disable" : "Enable")}</button></form>
                    <form method="post" action="{action}/move">{DashboardCsrf.Field(csrf)}<input type="hidden" name="direction" value="up">
                      <button type="submit" class="secondary"{(i == 0 ? " disabled" : disabled)} aria-label="Move {name} up">↑ Up</button></form>
                    <form method="post" action="{action}/move">{DashboardCsrf.Field(csrf)}<input type="hidden" name="direction" value="down">
                      <button type="submit" class="secondary"{(i == rules.Count - 1 ? " disabled" : disabled)} aria-label="Move {name} down">↓ Down</button></form>
                  </td>
                </tr>
                """);
        }
        var body = $"""
            <h1>Rules</h1>
            <p class="muted">Every login runs the enabled rules in this order. A change is compiled with the whole set first and is live when the page comes back.</p>
            {DashboardPage.Notice(notice)}{DashboardPage.Notice(error, "error")}{DashboardPage.Notice(readOnly?.Message, "warning")}
            <div class="table-wrap"><table>
              <thead><tr><th scope="col">#</th><th scope="col">Rule</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            {RuleSetModulesSection.Render(http.RequestServices.GetRequiredService<RuleSets.RuleSetProvider>())}
            """;
        return DashboardPage.Render(http, "Rules", body, DashboardPage.Section.Rules, statusCode);
    }

    private static IResult EditorPage(HttpContext http, StoredRule rule, string script, RuleSetEditor editor, TenantStore tenant, TimeProvider clock,
        string? notice, IReadOnlyList<RuleCompilationError> errors, string? error = null, int statusCode = 200)
    {
        var csrf = DashboardCsrf.Token(http);
        var readOnly = editor.ReadOnly;
        var errorList = errors.Count == 0 ? "" : $"""
            <ol class="compile-errors" id="compile-errors" aria-label="Compile errors">{string.Concat(errors.Select(e => $"""
                <li><strong>{HtmlPage.Encode(e.Rule == rule.Name ? "" : e.Rule + ": ")}line {e.Line}, column {e.Column}</strong>: {HtmlPage.Encode(e.Message)}
                {(e.SourceLine is null ? "" : $"<pre>{HtmlPage.Encode(e.Format()[(e.Format().IndexOf('\n') + 1)..])}</pre>")}</li>
                """))}</ol>
            """;
        var body = $"""
            <p class="crumbs"><a href="{DashboardRoutes.Rules}">Rules</a> / {HtmlPage.Encode(rule.Name)}</p>
            <h1>{HtmlPage.Encode(rule.Name)}</h1>
            <p class="muted">Position {rule.Order}, {(rule.Enabled ? "enabled" : "disabled")}. Saving compiles the whole rule set; nothing is saved if it does not compile.</p>
            {DashboardPage.Notice(notice)}{DashboardPage.Notice(error, "error")}{errorList}{DashboardPage.Notice(readOnly?.Message, "warning")}
            <form method="post" action="{HtmlPage.Encode(DashboardRoutes.Rule(rule.Id))}" class="editor">
              {DashboardCsrf.Field(csrf)}
              <label for="script">Script</label>
              <textarea id="script" name="script" rows="22" spellcheck="false" autocapitalize="off"{(errors.Count > 0 ? " aria-describedby=\"compile-errors\" aria-invalid=\"true\"" : "")}>{HtmlPage.Encode(script)}</textarea>
              <button type="submit"{(readOnly is null ? "" : " disabled")}>Save</button>
            </form>
            {TryThisRule.Section(rule, tenant, http, clock)}
            """;
        return DashboardPage.Render(http, rule.Name, body, DashboardPage.Section.Rules, statusCode, "try-rule.js");
    }
}

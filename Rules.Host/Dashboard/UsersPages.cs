using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>GET /dashboard/users (list and search, the Management API's <c>q</c> syntax) and GET /dashboard/users/{id}.</summary>
public static class UsersPages
{
    private const int PerPage = 50;

    public static IResult List(HttpContext http, TenantStore store, string? q, int? page)
    {
        var current = Math.Max(page ?? 0, 0);
        var searchError = UserSearch.Parse(q).Error;
        var (users, total) = searchError is null ? store.ListUsers(string.IsNullOrWhiteSpace(q) ? null : q.Trim(), current, PerPage) : ([], 0);
        var rows = new StringBuilder();
        foreach (var user in users)
        {
            var name = user.Profile["name"]?.GetValue<string>();
            rows.Append($"""
                <tr><td data-label="Name"><a href="{HtmlPage.Encode(DashboardRoutes.User(user.UserId))}">{HtmlPage.Encode(name ?? user.Email ?? user.UserId)}</a></td>
                <td data-label="Email">{HtmlPage.Encode(user.Email)}</td><td data-label="User ID"><code>{HtmlPage.Encode(user.UserId)}</code></td><td data-label="Connection">{HtmlPage.Encode(user.Connection)}</td>
                <td data-label="Logins" class="num">{user.LoginsCount}</td><td data-label="Status">{(user.Blocked ? "<span class=\"badge deny\">blocked</span>" : "")}</td></tr>
                """);
        }
        var search = HtmlPage.Encode(q);
        var pager = Pager(DashboardRoutes.Users + "?q=" + Uri.EscapeDataString(q ?? "") + "&page=", current, total, users.Count);
        var body = $"""
            <h1>Users</h1>
            <form class="search" method="get" action="{DashboardRoutes.Users}" role="search">
              <label for="q">Search users</label>
              <input id="q" name="q" type="search" value="{search}" placeholder="jordan, email:&quot;jordan.lee@gmail.com&quot;, name:Jo*">
              <button type="submit">Search</button>
            </form>
            {DashboardPage.Notice(searchError is null ? null : $"The search could not be read: {searchError}.", "error")}
            <p class="muted" role="status">{total} user{(total == 1 ? "" : "s")}{(string.IsNullOrWhiteSpace(q) ? "" : $" matching “{search}”")}.</p>
            <div class="table-wrap"><table class="user-list">
              <caption class="visually-hidden">Users</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">User ID</th><th scope="col">Connection</th><th scope="col">Logins</th><th scope="col">Status</th></tr></thead>
              <tbody>{rows}</tbody>
            </table></div>
            {pager}
            """;
        return DashboardPage.Render(http, "Users", body, DashboardPage.Section.Users, searchError is null ? 200 : 400);
    }

    public static IResult Show(string user_id, HttpContext http, TenantStore store, RoleStore roles, OperatorDirectory operators, DashboardAudit audit, RuleSets.RuleSetProvider rules, TimeProvider clock,
        MultiFactor.ImpersonatorMultifactor impersonatorMfa, MultiFactor.FactorAdministration factors)
    {
        if (store.GetUser(user_id) is not { } user)
        {
            return DashboardPage.Render(http, "User not found", $"<h1>User not found</h1>{DashboardPage.Notice("No user has this id.", "error")}", DashboardPage.Section.Users, 404);
        }
        audit.Acted(http, "view_user", $"viewed the profile of {user.Email ?? user.UserId}", new JsonObject { ["target_user_id"] = user.UserId });

        var profile = user.ToProfileJson();
        var settings = store.GetSettings();
        var availability = ImpersonationAvailability.For(user, settings, store.ListClients(), store.GetConnection(user.Connection));
        var who = DashboardOperator.From(http.User);
        var me = store.GetUser(who.UserId);
        var mayImpersonate = me is not null && settings.MayImpersonate(me);
        var choices = availability.ShowButton
            ? ImpersonationPreview.Order(availability.Clients, user, roles.NamesOf(user.UserId), me, store.GetConnection(user.Connection), settings, rules, http, clock.GetUtcNow())
            : [];
        var name = profile["name"]?.GetValue<string>() ?? user.Email ?? user.UserId;

        var body = $"""
            <p class="crumbs"><a href="{DashboardRoutes.Users}">Users</a> / {HtmlPage.Encode(name)}</p>
            <h1>{HtmlPage.Encode(name)}</h1>
            <div class="columns">
            <section aria-labelledby="profile-heading" class="card">
              <h2 id="profile-heading">Profile</h2>
              <dl class="facts">
                {Fact("Email", user.Email)}{Fact("Email verified", profile["email_verified"]?.ToJsonString())}
                {Fact("User ID", user.UserId, code: true)}{Fact("Connection", user.Connection)}
                {Fact("Logins", user.LoginsCount.ToString())}{Fact("Blocked", user.Blocked ? "yes" : "no")}
                {Fact("Created", profile["created_at"]?.GetValue<string>())}{Fact("Updated", profile["updated_at"]?.GetValue<string>())}
              </dl>
            </section>
            {SignInAsUser.Section(user, availability, choices, mayImpersonate, who, impersonatorMfa.Required)}
            </div>
            {UserRoles.Section(user, roles, DashboardCsrf.Token(http))}
            {UserFactorsSection.Render(http, user, factors)}
            <section aria-labelledby="identities-heading" class="card">
              <h2 id="identities-heading">Identities</h2>
              {Identities(profile["identities"] as JsonArray)}
            </section>
            <section aria-labelledby="metadata-heading" class="card">
              <h2 id="metadata-heading">Metadata</h2>
              <h3>app_metadata</h3>{DashboardPage.Json(profile["app_metadata"])}
              <h3>user_metadata</h3>{DashboardPage.Json(profile["user_metadata"])}
            </section>
            """;
        return DashboardPage.Render(http, name, body, DashboardPage.Section.Users, 200, "impersonate.js");
    }

    private static string Fact(string label, string? value, bool code = false) =>
        $"<dt>{HtmlPage.Encode(label)}</dt><dd>{(code ? $"<code>{HtmlPage.Encode(value)}</code>" : HtmlPage.Encode(value ?? "—"))}</dd>";

    private static string Identities(JsonArray? identities)
    {
        var rows = new StringBuilder();
        foreach (var identity in identities?.OfType<JsonObject>() ?? [])
        {
            rows.Append($"<tr><td>{HtmlPage.Encode(identity["provider"]?.ToString())}</td><td>{HtmlPage.Encode(identity["connection"]?.ToString())}</td>"
                + $"<td><code>{HtmlPage.Encode(identity["user_id"]?.ToString())}</code></td><td>{HtmlPage.Encode(identity["isSocial"]?.ToString())}</td></tr>");
        }
        return $"""<div class="table-wrap"><table><thead><tr><th scope="col">Provider</th><th scope="col">Connection</th><th scope="col">User ID</th><th scope="col">Social</th></tr></thead><tbody>{rows}</tbody></table></div>""";
    }

    internal static string Pager(string baseHref, int page, int total, int shown)
    {
        var links = new List<string>();
        if (page > 0) links.Add($"""<a rel="prev" href="{HtmlPage.Encode(baseHref + (page - 1))}">Previous page</a>""");
        if ((page + 1) * PerPage < total) links.Add($"""<a rel="next" href="{HtmlPage.Encode(baseHref + (page + 1))}">Next page</a>""");
        return links.Count == 0 ? "" : $"""<nav class="pager" aria-label="Pages">{string.Join(" ", links)} <span class="muted">page {page + 1}, {shown} shown of {total}</span></nav>""";
    }
}

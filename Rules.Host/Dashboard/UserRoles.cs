using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Hosting;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The user page's Roles card: the roles the user holds, each with a Remove button, and a form that assigns another
/// role. Both post to /dashboard/users/{id}/roles (CSRF-checked, audited) and come back to the user page; the user's
/// next login sees the change in <c>context.authorization.roles</c>.
/// </summary>
public static class UserRoles
{
    public static string Section(TenantUser user, RoleStore roles, string csrf)
    {
        var held = roles.OfUser(user.UserId, 0, 100).Roles;
        var action = HtmlPage.Encode(DashboardRoutes.User(user.UserId) + "/roles");
        var rows = new StringBuilder();
        foreach (var role in held)
        {
            rows.Append($"""
                <li><strong>{HtmlPage.Encode(role.Name)}</strong> <span class="muted">{HtmlPage.Encode(role.Description)}</span>
                  <form method="post" action="{action}" class="inline">{DashboardCsrf.Field(csrf)}<input type="hidden" name="remove" value="{HtmlPage.Encode(role.Id)}">
                  <button type="submit" class="secondary" aria-label="Remove the role {HtmlPage.Encode(role.Name)}">Remove</button></form></li>
                """);
        }
        var available = roles.All().Where(r => held.All(h => h.Id != r.Id)).ToArray();
        var assign = available.Length == 0 ? "" : $"""
            <form method="post" action="{action}" class="inline">{DashboardCsrf.Field(csrf)}
              <label for="assign-role">Assign a role</label>
              <select id="assign-role" name="assign">{string.Concat(available.Select(r => $"""<option value="{HtmlPage.Encode(r.Id)}">{HtmlPage.Encode(r.Name)}</option>"""))}</select>
              <button type="submit">Assign</button>
            </form>
            """;
        return $"""
            <section aria-labelledby="roles-heading" class="card">
              <h2 id="roles-heading">Roles</h2>
              {(held.Count == 0 ? """<p class="muted" id="no-roles">No roles. Rules see <code>context.authorization.roles</code> as [].</p>""" : $"""<ul class="roles">{rows}</ul>""")}
              {assign}
            </section>
            """;
    }

    /// <summary>POST /dashboard/users/{user_id}/roles: the form field <c>assign</c> or <c>remove</c> names a role id.</summary>
    public static async Task<IResult> ChangeAsync(string user_id, HttpContext http, TenantStore users, RoleStore roles, DashboardAudit audit)
    {
        var form = await http.Request.ReadFormAsync();
        var assign = form["assign"].ToString();
        var remove = form["remove"].ToString();
        var roleId = assign.Length > 0 ? assign : remove;
        if (users.GetUser(user_id) is not { } user || roles.Get(roleId) is not { } role || (assign.Length > 0) == (remove.Length > 0))
        {
            return HtmlPage.Message(http, "Request refused", "That user or role does not exist, or the form asked for nothing. Go back and reload the page.", 400);
        }
        var who = user.Email ?? user.UserId;
        if (assign.Length > 0)
        {
            roles.Assign([user.UserId], [role.Id]);
            audit.Acted(http, "role_assigned", $"gave {who} the role \"{role.Name}\"", new JsonObject { ["target_user_id"] = user.UserId, ["role_id"] = role.Id, ["role"] = role.Name });
        }
        else
        {
            roles.Remove(user.UserId, [role.Id]);
            audit.Acted(http, "role_removed", $"took the role \"{role.Name}\" from {who}", new JsonObject { ["target_user_id"] = user.UserId, ["role_id"] = role.Id, ["role"] = role.Name });
        }
        return Results.Redirect(DashboardRoutes.User(user.UserId));
    }
}

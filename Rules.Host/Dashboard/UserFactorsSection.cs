using System.Text;
using System.Text.Json.Nodes;
using Rules.Host.Hosting;
using Rules.Host.MultiFactor;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The "Two-step verification" card of a user's page: the enrolled factor (never its secret), Reset, and New recovery
/// codes (shown once on the page that answers). Both actions go through <see cref="FactorAdministration"/>, as the
/// Management API's, and are audited with <c>requested_by = dashboard:{operator}</c>.
/// </summary>
public static class UserFactorsSection
{
    public static string Render(HttpContext http, TenantUser user, FactorAdministration factors, IReadOnlyList<string>? newCodes = null)
    {
        var enrollment = factors.Enrollments(user.UserId).OfType<JsonObject>().FirstOrDefault();
        var action = $"{DashboardRoutes.Users}/{Uri.EscapeDataString(user.UserId)}/factors";
        var csrf = DashboardCsrf.Field(DashboardCsrf.Token(http));
        var body = new StringBuilder();
        if (enrollment is null)
        {
            body.Append("<p class=\"muted\" id=\"factor-status\">No factor enrolled. The user enrols an authenticator app the first time a rule asks for a second factor.</p>");
        }
        else
        {
            var status = enrollment["status"]!.GetValue<string>();
            body.Append($"""
                <dl class="facts" id="factor-status">
                  <dt>Authenticator app</dt><dd>{HtmlPage.Encode(status)}</dd>
                  <dt>Enrolled</dt><dd>{HtmlPage.Encode(enrollment["enrolled_at"]?.GetValue<string>() ?? "—")}</dd>
                  <dt>Last used</dt><dd>{HtmlPage.Encode(enrollment["last_auth"]?.GetValue<string>() ?? "—")}</dd>
                  <dt>Recovery codes left</dt><dd>{enrollment["recovery_codes_left"]}</dd>
                </dl>
                <div class="actions">
                  <form method="post" action="{HtmlPage.Encode(action)}/reset">{csrf}<button type="submit" class="secondary">Reset two-step verification</button></form>
                  {(status == "confirmed" ? $"<form method=\"post\" action=\"{HtmlPage.Encode(action)}/recovery-codes\">{csrf}<button type=\"submit\" class=\"secondary\">New recovery codes</button></form>" : "")}
                </div>
                """);
        }
        if (newCodes is not null)
        {
            body.Append("<p class=\"notice\" role=\"status\">New recovery codes. Hand them to the user now: they are not shown again, and the old ones no longer work.</p><ol id=\"new-recovery-codes\">");
            foreach (var code in newCodes)
            {
                body.Append("<li><code>").Append(HtmlPage.Encode(code)).Append("</code></li>");
            }
            body.Append("</ol>");
        }
        return $"""
            <section aria-labelledby="factors-heading" class="card">
              <h2 id="factors-heading">Two-step verification</h2>
              {body}
            </section>
            """;
    }

    public static IResult Reset(string user_id, HttpContext http, TenantStore store, FactorAdministration factors)
    {
        if (store.GetUser(user_id) is null)
        {
            return Results.NotFound();
        }
        factors.Reset(user_id, $"dashboard:{DashboardOperator.From(http.User).UserId}", http);
        return Results.Redirect($"{DashboardRoutes.Users}/{Uri.EscapeDataString(user_id)}");
    }

    public static IResult NewRecoveryCodes(string user_id, HttpContext http, TenantStore store, FactorAdministration factors)
    {
        if (store.GetUser(user_id) is not { } user)
        {
            return Results.NotFound();
        }
        var codes = factors.RegenerateRecoveryCodes(user_id, $"dashboard:{DashboardOperator.From(http.User).UserId}", http);
        var body = $"""
            <p class="crumbs"><a href="{DashboardRoutes.Users}/{HtmlPage.Encode(Uri.EscapeDataString(user_id))}">{HtmlPage.Encode(user.Email ?? user.UserId)}</a> / Recovery codes</p>
            {(codes is null ? DashboardPage.Notice("The user has no confirmed factor, so there are no recovery codes to replace.", "warning") : Render(http, user, factors, codes))}
            """;
        return DashboardPage.Render(http, "Recovery codes", body, DashboardPage.Section.Users, codes is null ? 400 : 200);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Host.Hosting;

namespace Rules.Host.Dashboard;

/// <summary>
/// The Dashboard's HTML layout: a skip link, the navigation, the signed-in operator with a sign-out form, and the
/// page's own markup. Styles and scripts are files from <see cref="DashboardAssets"/>; the CSP allows nothing else (no
/// inline script or style, nothing from another origin, never framed). Pages are never cached. Every value put into a
/// page goes through <see cref="HtmlPage.Encode"/>.
/// </summary>
public static class DashboardPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public enum Section { None, Users, Rules, Logs }

    /// <summary>A page for a signed-in operator; <paramref name="body"/> is trusted markup built with <see cref="HtmlPage.Encode"/>.</summary>
    public static IResult Render(HttpContext http, string title, string body, Section section, int statusCode = 200, params string[] scripts)
    {
        var csrf = DashboardCsrf.Token(http);
        var who = DashboardOperator.From(http.User);
        var nav = new StringBuilder();
        foreach (var (target, label, path) in new[] { (Section.Users, "Users", DashboardRoutes.Users), (Section.Rules, "Rules", DashboardRoutes.Rules), (Section.Logs, "Logs", DashboardRoutes.Logs) })
        {
            nav.Append($"""<li><a href="{path}"{(target == section ? " aria-current=\"page\"" : "")}>{label}</a></li>""");
        }
        var header = $"""
            <header class="top">
              <a class="brand" href="{DashboardRoutes.Users}">rules · Dashboard</a>
              <nav aria-label="Main"><ul>{nav}</ul></nav>
              <form class="signout" method="post" action="{DashboardRoutes.Logout}">
                {DashboardCsrf.Field(csrf)}
                <span class="who">Signed in as <strong>{HtmlPage.Encode(who.Display)}</strong></span>
                <button type="submit" class="secondary">Sign out</button>
              </form>
            </header>
            """;
        return Document(http, title, header + $"""<main id="main" tabindex="-1">{body}</main>""", csrf, statusCode, scripts);
    }

    /// <summary>The sign-in page: the same styles, no navigation.</summary>
    public static IResult Anonymous(HttpContext http, string title, string body, int statusCode = 200) =>
        Document(http, title, $"""<main id="main" class="narrow" tabindex="-1">{body}</main>""", null, statusCode, []);

    /// <summary>JSON shown to a person: indented, inside &lt;pre&gt;, encoded.</summary>
    public static string Json(JsonNode? node) =>
        $"<pre class=\"json\">{HtmlPage.Encode(node is null ? "null" : node.ToJsonString(Indented))}</pre>";

    public static string Notice(string? message, string kind = "info") =>
        message is null ? "" : $"""<p class="notice {kind}" role="{(kind == "error" ? "alert" : "status")}">{HtmlPage.Encode(message)}</p>""";

    private static IResult Document(HttpContext http, string title, string content, string? csrf, int statusCode, string[] scripts)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        var scriptTags = string.Concat(new[] { "dashboard.js" }.Concat(scripts).Select(s => $"""<script src="{DashboardAssets.Url(s)}" defer></script>"""));
        var meta = csrf is null ? "" : $"""<meta name="csrf-token" content="{HtmlPage.Encode(csrf)}">""";
        return Results.Content($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{HtmlPage.Encode(title)} · rules Dashboard</title>{meta}
            <link rel="stylesheet" href="{DashboardAssets.Url("dashboard.css")}">{scriptTags}</head>
            <body><a class="skip" href="#main">Skip to content</a>
            {content}
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: statusCode);
    }
}

using System.Reflection;

namespace Rules.Host.Dashboard;

/// <summary>
/// The Dashboard's CSS and JavaScript, embedded in rules.dll (Dashboard/Assets) and served from /dashboard/assets, so
/// the console needs nothing from the network and the CSP can forbid inline scripts. Only the listed files exist.
/// </summary>
public static class DashboardAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["impersonate.js"] = "text/javascript; charset=utf-8",
        ["try-rule.js"] = "text/javascript; charset=utf-8",
    };

    public static string Url(string name) => $"{DashboardRoutes.Assets}/{name}";

    public static IResult Serve(string name, HttpContext http)
    {
        if (!ContentTypes.TryGetValue(name, out var contentType)
            || Assembly.GetExecutingAssembly().GetManifestResourceStream($"dashboard/{name}") is not { } stream)
        {
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.Stream(stream, contentType);
    }
}

using System.Text;
using Rules.Host.Hosting;
using Rules.Host.RuleSets;

namespace Rules.Host.Dashboard;

/// <summary>
/// The rules page's "Modules" card: what the live rule set's rules <c>require</c> (each as written, with where it
/// comes from) and the npm packages the set holds, pinned by version and files hash, as GET /api/v2/modules lists them.
/// </summary>
internal static class RuleSetModulesSection
{
    public static string Render(RuleSetProvider provider)
    {
        var live = provider.Current?.RuleSet;
        if (live is null)
        {
            return "";
        }
        var packages = live.RuleSet.Packages?.Lock.Packages ?? [];
        var required = new StringBuilder();
        foreach (var module in live.RequiredModules)
        {
            // "name" or "name@version" (a scoped name starts with '@').
            var at = module.LastIndexOf('@');
            var name = at > 0 ? module[..at] : module;
            var origin = packages.Any(p => p.Name == name) ? "npm package"
                : Modules.Auth0.Auth0ModuleSource.Instance.Find(name, null) is not null ? "provided by this server"
                : "built-in";
            required.Append($"<li><code>{HtmlPage.Encode(module)}</code> <span class=\"muted\">{origin}</span></li>");
        }
        var rows = new StringBuilder();
        foreach (var package in packages)
        {
            rows.Append($"""
                <tr><td><code>{HtmlPage.Encode(package.Key)}</code></td><td>{(package.Direct ? "added" : "dependency")}</td><td><code>{HtmlPage.Encode(package.FilesHash ?? "")}</code></td></tr>
                """);
        }
        return $"""
            <section aria-labelledby="modules-heading" class="card">
              <h2 id="modules-heading">Modules</h2>
              {(live.RequiredModules.Count == 0 ? "<p class=\"muted\">The rules require no modules.</p>" : $"<p>The rules require:</p><ul>{required}</ul>")}
              {(packages.Count == 0 ? "" : $"""
                <div class="table-wrap"><table>
                  <thead><tr><th scope="col">npm package</th><th scope="col">Why</th><th scope="col">Files hash</th></tr></thead>
                  <tbody>{rows}</tbody>
                </table></div>
                """)}
            </section>
            """;
    }
}

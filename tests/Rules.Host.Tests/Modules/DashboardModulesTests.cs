using Rules.Engine.Modules;
using Rules.Host.Tests.Dashboard;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Modules;

/// <summary>The Dashboard's rules page shows which modules the live rule set requires and the packages it holds.</summary>
public sealed class DashboardModulesTests
{
    [Fact]
    public async Task The_rules_page_lists_the_required_modules_with_their_origin_and_the_pinned_packages()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("uses.js", """
            function (user, context, callback) {
              const crypto = require('crypto');
              const { ManagementClient } = require('auth0@2.9.1');
              context.idToken['https://x/v'] = require('tiny').value + crypto.createHash('sha256').update('x').digest('hex').length;
              callback(null, user, context);
            }
            """);
        rules.Write("modules/tiny@1.0.0/index.js", "module.exports = { value: 'tiny' };");
        var filesHash = PackageFiles.Hash(PackageFiles.Read(Path.Combine(rules.Rules, "modules", "tiny@1.0.0")));
        new ModulesLock([new LockedPackage("tiny", "1.0.0", "sha512-x", null, new Dictionary<string, string>(), filesHash)]).Write(rules.Rules);
        using var harness = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });
        using var priya = new DashboardClient(harness);
        await priya.SignedInAsync();

        var page = await priya.PageAsync("/dashboard/rules");

        page.Should().Contain("<h2 id=\"modules-heading\">Modules</h2>")
            .And.Contain("<code>auth0@2.9.1</code> <span class=\"muted\">provided by this server</span>")
            .And.Contain("<code>crypto</code> <span class=\"muted\">built-in</span>")
            .And.Contain("<code>tiny</code> <span class=\"muted\">npm package</span>")
            .And.Contain("<code>tiny@1.0.0</code></td><td>added</td><td><code>" + filesHash.Replace("+", "&#x2B;"));
    }
}

using System.Net;
using Rules.Host.Hosting;
using Rules.Host.Login;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>Suspicious IP throttling: many accounts failing from one address throttle that address, not the accounts.</summary>
public sealed class PasswordSprayingTests
{
    private const string Spray = "Spring2026!";

    private static async Task<HttpStatusCode> AttemptAsync(HostHarness host, string ip, string email, string password)
    {
        using var browser = new LoginBrowser(host);
        browser.Http.DefaultRequestHeaders.Add(HostHarness.ClientIpHeader, ip);
        return (await browser.SignInAsync(LoginBrowser.Query(), email, password)).StatusCode;
    }

    private static string Account(int i) => $"victim{i}@example.com";

    [Fact]
    public async Task Spraying_thirty_accounts_from_one_address_throttles_that_address_even_for_the_right_password()
    {
        using var host = new HostHarness();
        const string attacker = "198.51.100.66";

        var results = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            results.Add(await AttemptAsync(host, attacker, Account(i), Spray));
        }

        var limit = new LoginOptions().SuspiciousIpAccounts;
        results.Take(limit).Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        results.Skip(limit).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests, "the address is throttled after {0} accounts failed", limit);
        var throttled = host.AuditEntries(SuspiciousIpThrottle.ThrottledType);
        throttled.Should().HaveCount(30 - limit).And.OnlyContain(e => e.ip == attacker);
        host.AuditEntries("fu").Should().HaveCount(limit, "a throttled attempt is not checked, so it is not another failure");

        (await AttemptAsync(host, attacker, HostHarness.JordanEmail, LoginBrowser.Password)).Should().Be(HttpStatusCode.TooManyRequests);
        (await AttemptAsync(host, "198.51.100.67", HostHarness.JordanEmail, LoginBrowser.Password)).Should().NotBe(HttpStatusCode.TooManyRequests,
            "only the address is throttled, not the accounts");
    }

    [Fact]
    public async Task Thirty_accounts_failing_from_thirty_addresses_are_not_throttled()
    {
        using var host = new HostHarness();

        for (var i = 0; i < 30; i++)
        {
            (await AttemptAsync(host, $"198.51.100.{i + 1}", Account(i), Spray)).Should().Be(HttpStatusCode.Unauthorized);
        }

        host.AuditEntries(SuspiciousIpThrottle.ThrottledType).Should().BeEmpty();
        (await AttemptAsync(host, "198.51.100.1", HostHarness.JordanEmail, LoginBrowser.Password)).Should().NotBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_count_comes_from_the_store_so_another_instance_throttles_too_and_the_window_ends_it()
    {
        var settings = new Dictionary<string, string?> { ["Rules:Login:SuspiciousIpAccounts"] = "3", ["Rules:Login:SuspiciousIpWindow"] = "00:10:00" };
        using var first = new HostHarness(settings);
        const string attacker = "198.51.100.66";
        for (var i = 0; i < 3; i++)
        {
            (await AttemptAsync(first, attacker, Account(i), Spray)).Should().Be(HttpStatusCode.Unauthorized);
        }

        using var second = new HostHarness(new Dictionary<string, string?>(settings)
        {
            ["Rules:Database"] = Path.Combine(first.DataDirectory, "rules.db"),
        });
        (await AttemptAsync(second, attacker, Account(3), Spray)).Should().Be(HttpStatusCode.TooManyRequests);

        second.Clock.Advance(TimeSpan.FromMinutes(11));
        (await AttemptAsync(second, attacker, Account(4), Spray)).Should().Be(HttpStatusCode.Unauthorized, "the failures left the window");
    }

    [Fact]
    public async Task An_allowlisted_network_is_never_throttled()
    {
        using var host = new HostHarness(new Dictionary<string, string?>
        {
            ["Rules:Login:SuspiciousIpAccounts"] = "2",
            ["Rules:Login:SuspiciousIpAllowlist:0"] = "198.51.100.0/24",
        });
        for (var i = 0; i < 4; i++)
        {
            (await AttemptAsync(host, "198.51.100.66", Account(i), Spray)).Should().Be(HttpStatusCode.Unauthorized);
        }
        (await AttemptAsync(host, "203.0.113.99", Account(0), Spray)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_setting_that_would_switch_throttling_off_is_refused_at_start()
    {
        using var dir = new TempRulesDirectory();
        var run = await Cli.CliRun.RunAsync("serve", "--data", Path.Combine(dir.Root, "data"), "--urls", "http://127.0.0.1:0",
            "--seed", Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "tenant.json"), "--Rules:Login:SuspiciousIpAccounts=0");
        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("Rules:Login:SuspiciousIpAccounts must be positive");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Rules.Host.Tests.Http;

public class HealthTests
{
    [Fact]
    public async Task A_fresh_server_seeds_the_sample_tenant_and_is_ready()
    {
        using var factory = new RulesHostFactory();
        using var client = factory.CreateClient();
        var response = await client.GetAsync("/readyz");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        body!["rules"]!.AsArray().Should().HaveCount(7);
        body["source"]!.GetValue<string>().Should().Be("database");
        var runtimes = body["runtimes"]!;
        runtimes["created"]!.GetValue<long>().Should().BeGreaterThan(0, "the live version is warmed before it goes live");
        runtimes["idle"]!.GetValue<int>().Should().BeInRange(1, runtimes["poolBound"]!.GetValue<int>());
        File.Exists(Path.Combine(factory.DataDirectory, "rules.db")).Should().BeTrue();
    }

    [Fact]
    public async Task Readyz_says_degraded_and_why_while_an_older_version_serves()
    {
        using var host = new HostHarness();
        host.Execute("""UPDATE rules SET script = 'function (user, context, callback) {' WHERE "order" = 1""");
        host.Service<Rules.Host.RuleSets.RuleSetProvider>().Reload();

        var response = await host.Client.GetAsync("/readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "logins are still served");
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["status"]!.GetValue<string>().Should().Be("degraded");
        body["lastError"]!.GetValue<string>().Should().Contain(":1:").And.Contain("error");
        body["runtimes"]!["poolBound"]!.GetValue<int>().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Healthz_answers_while_the_process_lives()
    {
        using var host = new HostHarness();

        var body = await host.Client.GetFromJsonAsync<JsonObject>("/healthz");

        body!["status"]!.GetValue<string>().Should().Be("ok");
    }
}

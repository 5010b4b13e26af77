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
        File.Exists(Path.Combine(factory.DataDirectory, "rules.db")).Should().BeTrue();
    }
}

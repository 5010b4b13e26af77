using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rules.Engine.Pipeline;
using Rules.Host.RuleSets;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

public sealed class RulesConfigsApiTests : IDisposable
{
    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public RulesConfigsApiTests() => _client = _factory.CreateManagementClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task The_list_has_keys_only_never_the_secret_values()
    {
        var response = await _client.GetAsync("/api/v2/rules-configs");
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var entries = JsonNode.Parse(text)!.AsArray();
        entries.Select(e => e!["key"]!.GetValue<string>()).Should().Equal("BUSINESS_HOURS_UTC_OFFSET", "IMPERSONATION_CLIENTS", "SUPPORT_AGENTS");
        entries.Should().OnlyContain(e => e!.AsObject().Count == 1);
        text.Should().NotContainAny("auth0|64b7f0c2a1e9d3f4b5c6a7d8", "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA", "-05:00");
    }

    [Fact]
    public async Task Put_sets_a_value_that_rules_see_at_once_and_the_list_still_hides_it()
    {
        var created = await _client.PostAsJsonAsync("/api/v2/rules", new
        {
            name = "Expose flag",
            order = 0,
            script = "function (user, context, callback) {\n  context.idToken['https://example.com/flag'] = configuration.FEATURE_FLAG || 'unset';\n  callback(null, user, context);\n}",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await FlagSeenByRules()).Should().Be("unset");
        var before = await _client.LiveRuleSetVersionAsync();

        var response = await _client.PutAsJsonAsync("/api/v2/rules-configs/FEATURE_FLAG", new { value = "on-secret-42" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.JsonAsync();
        body["key"]!.GetValue<string>().Should().Be("FEATURE_FLAG");
        body["value"]!.GetValue<string>().Should().Be("on-secret-42");
        var version = response.Headers.GetValues("X-Rules-Version").Single();
        version.Should().NotBe(before, "configuration is part of the rule set's version");
        (await _client.LiveRuleSetVersionAsync()).Should().Be(version);
        (await FlagSeenByRules()).Should().Be("on-secret-42");

        var list = await _client.GetStringAsync("/api/v2/rules-configs");
        list.Should().Contain("FEATURE_FLAG").And.NotContain("on-secret-42");
    }

    [Fact]
    public async Task Delete_removes_a_key_and_reloads_and_an_absent_key_is_still_204()
    {
        var before = await _client.LiveRuleSetVersionAsync();

        var response = await _client.DeleteAsync("/api/v2/rules-configs/BUSINESS_HOURS_UTC_OFFSET");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        response.Headers.GetValues("X-Rules-Version").Single().Should().NotBe(before);
        (await _client.GetStringAsync("/api/v2/rules-configs")).Should().NotContain("BUSINESS_HOURS_UTC_OFFSET");
        (await _client.DeleteAsync("/api/v2/rules-configs/NEVER_SET")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("bad.key", """{ "value": "x" }""", "key")]
    [InlineData("bad%20key", """{ "value": "x" }""", "key")]
    [InlineData("GOOD_KEY", """{ "value": 1 }""", "value")]
    [InlineData("GOOD_KEY", """{ "value": "" }""", "value")]
    [InlineData("GOOD_KEY", """{ }""", "value")]
    [InlineData("GOOD_KEY", """{ "value": "x", "key": "GOOD_KEY" }""", "key")]
    [InlineData("GOOD_KEY", """{ "value": """, "JSON")]
    public async Task Bad_keys_and_values_are_400_and_set_nothing(string key, string body, string mentions)
    {
        var response = await _client.SendRawAsync(HttpMethod.Put, "/api/v2/rules-configs/" + key, body);
        (await response.Auth0ErrorAsync(400)).Should().Contain(mentions);
        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules-configs"))!.Should().HaveCount(3);
    }

    private async Task<string?> FlagSeenByRules()
    {
        await Task.Yield();
        var pipeline = _factory.Services.GetRequiredService<RuleSetProvider>().Current!;
        var outcome = pipeline.Execute(new LoginTransaction(
            new JsonObject { ["user_id"] = "auth0|flag-test", ["email"] = "flag@example.com", ["email_verified"] = true },
            new JsonObject { ["clientID"] = "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA", ["clientName"] = "Acme Customer Portal" },
            DateTimeOffset.Parse("2026-03-03T15:00:00Z")));
        outcome.IsAllowed.Should().BeTrue(outcome.ErrorDescription);
        return outcome.IdToken["https://example.com/flag"]?.GetValue<string>();
    }
}

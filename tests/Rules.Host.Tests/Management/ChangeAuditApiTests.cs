using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary>Changes through the Management API are in GET /api/v2/logs, filterable by type, naming the calling client.</summary>
public sealed class ChangeAuditApiTests : IDisposable
{
    private const string ClientId = "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY";
    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public ChangeAuditApiTests() => _client = _factory.CreateManagementClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task A_rule_edit_a_config_change_and_a_key_rotation_are_listed_by_type_with_the_client_that_made_them()
    {
        var rule = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/rules"))![0]!.AsObject();
        var script = rule["script"]!.GetValue<string>().Replace("callback(null, user, context);", "console.log('audited');\n  callback(null, user, context);");
        (await _client.PatchJsonAsync($"/api/v2/rules/{rule["id"]}", new { script })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.PutAsJsonAsync("/api/v2/rules-configs/AUDITED_KEY", new { value = "not-for-the-log" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await _client.PostAsync("/api/v2/keys/signing/rotate", null)).StatusCode.Should().Be(HttpStatusCode.Created);

        var edits = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/logs?type=rule_updated"))!;
        var edit = edits.Should().ContainSingle().Subject!.AsObject();
        edit["client_id"]!.GetValue<string>().Should().Be(ClientId);
        edit["description"]!.GetValue<string>().Should().Be($"client {ClientId} changed the rule \"{rule["name"]}\"");
        edit["details"]!["object"]!["id"]!.GetValue<string>().Should().Be(rule["id"]!.GetValue<string>());
        edit["details"]!["diff"]!.GetValue<string>().Should().Contain("+  return console.log('audited');");
        edit["hash"]!.GetValue<string>().Should().HaveLength(64);

        var config = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/logs?type=rules_config_set"))!.Should().ContainSingle().Subject!;
        config["details"]!["object"]!["id"]!.GetValue<string>().Should().Be("AUDITED_KEY");
        config.ToJsonString().Should().NotContain("not-for-the-log");
        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/logs?type=signing_key_rotated"))!.Should().ContainSingle()
            .Which!["client_id"]!.GetValue<string>().Should().Be(ClientId);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.Audit;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

public sealed class LogsApiTests : IDisposable
{
    private const string Priya = "auth0|64b7f0c2a1e9d3f4b5c6a7d8";
    private const string Maria = "auth0|6511c0ffee4b2a9d8e7f6a5b";
    private const string Jordan = "auth0|63f2a9c1d4e5b6a7c8d9e0f1";
    private const string Noor = "auth0|6401d7e8f9a0b1c2d3e4f5a6";
    private const string Portal = "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA";
    private const string Billing = "Vb7nM2qW9eR4tY1uI6oP3aS8dF5gH0jK";

    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public LogsApiTests() => _client = _factory.CreateManagementClient("read:logs");

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task Entries_come_newest_first_in_auth0_log_event_shape()
    {
        Seed();

        var logs = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/logs"))!;

        logs.Should().HaveCount(5);
        logs.Select(l => l!["date"]!.GetValue<string>()).Should().BeInDescendingOrder();
        var newest = logs[0]!.AsObject();
        newest["log_id"]!.GetValue<string>().Should().Be("log_5");
        newest["date"]!.GetValue<string>().Should().Be("2026-03-04T16:45:00.000Z");
        newest["type"]!.GetValue<string>().Should().Be("f");
        newest["description"]!.GetValue<string>().Should().Be("Impersonation only during support business hours");
        newest["client_id"]!.GetValue<string>().Should().Be(Billing);
        newest["client_name"]!.GetValue<string>().Should().Be("Acme Billing Dashboard");
        newest["user_id"]!.GetValue<string>().Should().Be(Noor);
        newest["user_name"]!.GetValue<string>().Should().Be("noor.haddad@example.org");
        newest["ip"]!.GetValue<string>().Should().Be("203.0.113.9");
        newest["user_agent"]!.GetValue<string>().Should().Be("curl/8.5");
        newest["details"]!["decision"]!.GetValue<string>().Should().Be("deny");
        newest["impersonator"]!["user_id"]!.GetValue<string>().Should().Be(Maria);
        newest["impersonator"]!["email"]!.GetValue<string>().Should().Be("maria.gonzalez@acme-support.example.com");

        var plain = logs.Single(l => l!["log_id"]!.GetValue<string>() == "log_3")!.AsObject();
        plain.Should().NotContainKey("impersonator", "only impersonated events name an impersonator");
        plain["details"]!.AsObject().Should().BeEmpty();
    }

    [Theory]
    [InlineData("user_id=" + Jordan, new[] { "log_2", "log_1" })]
    [InlineData("impersonator_id=" + Priya, new[] { "log_4", "log_2", "log_1" })]
    [InlineData("client_id=" + Billing, new[] { "log_5", "log_4" })]
    [InlineData("type=s", new[] { "log_2" })]
    [InlineData("from=2026-03-03&to=2026-03-03", new[] { "log_3", "log_2" })]
    [InlineData("from=2026-03-03T10:00:00Z", new[] { "log_5", "log_4", "log_3" })]
    [InlineData("to=2026-03-02T09:00:00%2B01:00", new[] { "log_1" })]
    [InlineData("impersonator_id=" + Priya + "&type=impersonation_requested", new[] { "log_4", "log_1" })]
    [InlineData("q=type:seccft", new[] { "log_3" })]
    [InlineData("q=business%20hours", new[] { "log_5" })]
    [InlineData("q=user_name:jordan*", new[] { "log_2", "log_1" })]
    [InlineData("q=ip:%22198.51.100.7%22", new[] { "log_4", "log_2", "log_1" })]
    [InlineData("q=%22%27%20OR%201%3D1%20--%22", new string[0])]
    [InlineData("q=type:s%20user_id:%22" + Jordan + "%22", new[] { "log_2" })]
    [InlineData("q=client_id:" + Billing + "%20AND%20type:f", new[] { "log_5" })]
    [InlineData("q=impersonator.user_id:%22" + Priya + "%22", new[] { "log_4", "log_2", "log_1" })]
    [InlineData("q=impersonator.email:MARIA*", new[] { "log_5" })]
    [InlineData("q=date:%5B2026-03-03%20TO%202026-03-04T08:00:00Z%5D", new[] { "log_4", "log_3", "log_2" })]
    [InlineData("q=date:%7B2026-03-02%20TO%202026-03-04%7D", new[] { "log_3", "log_2" })]
    [InlineData("q=date:%5B2026-03-04%20TO%20*%5D", new[] { "log_5", "log_4" })]
    [InlineData("q=date:%3E=2026-03-04", new[] { "log_5", "log_4" })]
    [InlineData("q=date:%3C2026-03-03", new[] { "log_1" })]
    [InlineData("q=date:2026-03-03", new[] { "log_3", "log_2" })]
    [InlineData("q=description:exchange", new[] { "log_3" })]
    [InlineData("user_id=%27%20OR%20%271%27%3D%271", new string[0])]
    public async Task Filters_narrow_the_trail(string query, string[] expected)
    {
        Seed();
        var logs = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/logs?" + query))!;
        logs.Select(l => l!["log_id"]!.GetValue<string>()).Should().Equal(expected);
    }

    [Fact]
    public async Task Paging_and_include_totals_work_as_for_users()
    {
        Seed();
        var page = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/logs?per_page=2&page=1&include_totals=true"))!;

        page["start"]!.GetValue<int>().Should().Be(2);
        page["limit"]!.GetValue<int>().Should().Be(2);
        page["length"]!.GetValue<int>().Should().Be(2);
        page["total"]!.GetValue<int>().Should().Be(5);
        page["logs"]!.AsArray().Select(l => l!["log_id"]!.GetValue<string>()).Should().Equal("log_3", "log_2");
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-45", "to")]
    [InlineData("per_page=500", "per_page")]
    public async Task Bad_filters_are_400(string query, string mentions)
    {
        (await (await _client.GetAsync("/api/v2/logs?" + query)).Auth0ErrorAsync(400)).Should().Contain(mentions);
    }

    [Theory]
    [InlineData("q=impersonator.id:x", "unknown field 'impersonator.id'")]
    [InlineData("q=colour:red", "searchable fields: type, user_id")]
    [InlineData("q=user_id:%22auth0|1", "quote at position 9 is not closed")]
    [InlineData("q=type:s%20OR%20type:f", "'OR' is not supported")]
    [InlineData("q=(type:s)", "brackets are not supported")]
    [InlineData("q=-type:s", "NOT")]
    [InlineData("q=date:%5B2026-03-01%20TO%5D", "must read [FROM TO UNTIL]")]
    [InlineData("q=date:%5B2026-03-01%20TO%202026-03-02", "not closed")]
    [InlineData("q=date:yesterday", "'yesterday' is not a date")]
    [InlineData("q=type:", "has no value")]
    [InlineData("q=type:s%22f%22", "unexpected quote")]
    public async Task A_search_that_cannot_be_read_is_400_naming_what_was_not_understood(string query, string mentions)
    {
        Seed();
        var message = await (await _client.GetAsync("/api/v2/logs?" + query)).Auth0ErrorAsync(400);
        message.Should().StartWith("Query validation error on property q: ").And.Contain(mentions);
    }

    [Fact]
    public async Task One_entry_by_id_or_404()
    {
        Seed();
        var entry = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/logs/log_4"))!;
        entry["type"]!.GetValue<string>().Should().Be("impersonation_requested");
        (await (await _client.GetAsync("/api/v2/logs/log_nope")).Auth0ErrorAsync(404)).Should().Contain("log");
    }

    [Fact]
    public async Task Decision_logs_export_as_streamed_jsonl_oldest_first()
    {
        var decisions = _factory.Services.GetRequiredService<DecisionLog>();
        for (var i = 1; i <= 150; i++)
        {
            decisions.Write(Decision($"dec_{i:D3}", DateTimeOffset.Parse("2026-03-01T00:00:00Z").AddHours(i)), logId: $"log_{i}");
        }

        var response = await _client.GetAsync("/api/v2/decision-logs", HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-ndjson");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(150);
        var records = lines.Select(l => JsonNode.Parse(l)!).ToArray();
        records.Select(r => r["id"]!.GetValue<string>()).Should().BeInAscendingOrder().And.StartWith("dec_001");
        records[0]["outcome"]!["decision"]!.GetValue<string>().Should().Be("allow");
        records[0]["transaction"]!["user"]!["user_id"]!.GetValue<string>().Should().Be(Jordan);

        var day = await _client.GetStringAsync("/api/v2/decision-logs?from=2026-03-02&to=2026-03-02");
        day.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["id"]!.GetValue<string>())
            .Should().Equal(Enumerable.Range(24, 24).Select(i => $"dec_{i:D3}"));

        await (await _client.GetAsync("/api/v2/decision-logs?from=soon")).Auth0ErrorAsync(400);
    }

    [Fact]
    public async Task One_decision_record_by_id_or_404()
    {
        _factory.Services.GetRequiredService<DecisionLog>().Write(Decision("dec_one", DateTimeOffset.Parse("2026-03-01T12:00:00Z")), logId: null);

        var record = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/decision-logs/dec_one"))!;
        record["ruleSetVersion"]!.GetValue<string>().Should().Be("0123456789ab");
        await (await _client.GetAsync("/api/v2/decision-logs/dec_none")).Auth0ErrorAsync(404);
    }

    [Fact]
    public async Task An_empty_decision_log_exports_an_empty_body()
    {
        var response = await _client.GetAsync("/api/v2/decision-logs");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
    }

    /// <summary>Five events over three days, written through AuditLog as the login and impersonation flows write them.</summary>
    private void Seed()
    {
        var audit = _factory.Services.GetRequiredService<AuditLog>();
        AuditEntry Entry(string id, string date, string type, string user, string userName, string client, string clientName) => new()
        {
            LogId = id,
            Date = DateTimeOffset.Parse(date),
            Type = type,
            UserId = user,
            UserName = userName,
            ClientId = client,
            ClientName = clientName,
            Ip = "198.51.100.7",
            UserAgent = "Mozilla/5.0",
        };

        audit.Write(Entry("log_1", "2026-03-02T07:30:00Z", "impersonation_requested", Jordan, "jordan.lee@gmail.com", Portal, "Acme Customer Portal") with
        {
            ImpersonatorId = Priya,
            ImpersonatorEmail = "priya.shah@acme-support.example.com",
            Description = "Impersonation link issued",
        });
        audit.Write(Entry("log_2", "2026-03-03T09:15:00Z", "s", Jordan, "jordan.lee@gmail.com", Portal, "Acme Customer Portal") with
        {
            ImpersonatorId = Priya,
            ImpersonatorEmail = "priya.shah@acme-support.example.com",
            Description = "Successful impersonated login",
            Details = new JsonObject { ["decision"] = "allow" },
        });
        audit.Write(Entry("log_3", "2026-03-03T23:59:59.999Z", "seccft", "", "", "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY", "Acme Support Tooling") with
        {
            UserId = null,
            UserName = null,
            Ip = "192.0.2.1",
            Description = "Client credentials exchange",
        });
        audit.Write(Entry("log_4", "2026-03-04T08:00:00Z", "impersonation_requested", Noor, "noor.haddad@example.org", Billing, "Acme Billing Dashboard") with
        {
            ImpersonatorId = Priya,
            ImpersonatorEmail = "priya.shah@acme-support.example.com",
        });
        audit.Write(Entry("log_5", "2026-03-04T16:45:00Z", "f", Noor, "noor.haddad@example.org", Billing, "Acme Billing Dashboard") with
        {
            ImpersonatorId = Maria,
            ImpersonatorEmail = "maria.gonzalez@acme-support.example.com",
            Description = "Impersonation only during support business hours",
            Ip = "203.0.113.9",
            UserAgent = "curl/8.5",
            Details = new JsonObject { ["decision"] = "deny", ["rule"] = "Impersonation only during support business hours" },
        });
    }

    private static JsonObject Decision(string id, DateTimeOffset date) => new()
    {
        ["id"] = id,
        ["date"] = Rules.Host.Storage.JsonColumns.Timestamp(date),
        ["kind"] = "login",
        ["ruleSetVersion"] = "0123456789ab",
        ["transaction"] = new JsonObject { ["user"] = new JsonObject { ["user_id"] = Jordan }, ["context"] = new JsonObject { ["clientID"] = Portal } },
        ["outcome"] = new JsonObject { ["decision"] = "allow" },
    };
}

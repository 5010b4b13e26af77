using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Management;

/// <summary>A fresh server per test: several tests change users.</summary>
public sealed class UsersApiTests : IDisposable
{
    private const string Jordan = "auth0|63f2a9c1d4e5b6a7c8d9e0f1";
    private const string JordanUrl = "/api/v2/users/auth0%7C63f2a9c1d4e5b6a7c8d9e0f1";
    private const string SamplePassword = "Sample-Passw0rd!";

    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public UsersApiTests() => _client = _factory.CreateManagementClient();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task The_list_is_a_plain_array_of_profiles_without_any_password_or_hash()
    {
        var response = await _client.GetAsync("/api/v2/users");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        var users = JsonNode.Parse(text)!.AsArray();

        users.Should().HaveCount(7);
        users.Select(u => u!["user_id"]!.GetValue<string>()).Should().Contain(Jordan);
        var jordan = users.Single(u => u!["user_id"]!.GetValue<string>() == Jordan)!;
        jordan["email"]!.GetValue<string>().Should().Be("jordan.lee@gmail.com");
        jordan["identities"]![0]!["connection"]!.GetValue<string>().Should().Be("Username-Password-Authentication");
        jordan["app_metadata"]!["plan"]!.GetValue<string>().Should().Be("pro");
        text.Should().NotContainAny("password", "Sample-Passw0rd", "AQAAAA");
    }

    [Fact]
    public async Task Include_totals_wraps_a_page_with_start_limit_length_and_total()
    {
        var body = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/users?per_page=3&page=2&include_totals=true&search_engine=v3"))!;

        body["start"]!.GetValue<int>().Should().Be(6);
        body["limit"]!.GetValue<int>().Should().Be(3);
        body["length"]!.GetValue<int>().Should().Be(1);
        body["total"]!.GetValue<int>().Should().Be(7);
        body["users"]!.AsArray().Should().HaveCount(1);
    }

    [Fact]
    public async Task Pages_do_not_overlap_and_cover_every_user()
    {
        var seen = new List<string>();
        for (var page = 0; page < 4; page++)
        {
            var users = (await _client.GetFromJsonAsync<JsonArray>($"/api/v2/users?per_page=2&page={page}"))!;
            users.Count.Should().Be(page < 3 ? 2 : 1);
            seen.AddRange(users.Select(u => u!["user_id"]!.GetValue<string>()));
        }
        seen.Should().OnlyHaveUniqueItems().And.HaveCount(7);
    }

    [Theory]
    [InlineData("per_page=101", "per_page")]
    [InlineData("per_page=0", "per_page")]
    [InlineData("page=-1", "page")]
    [InlineData("page=two", "page")]
    [InlineData("include_totals=yes", "include_totals")]
    public async Task Bad_paging_parameters_get_400_naming_the_parameter(string query, string parameter)
    {
        var response = await _client.GetAsync("/api/v2/users?" + query);
        (await response.Auth0ErrorAsync(400)).Should().Contain(parameter);
    }

    [Theory]
    [InlineData("email:\"jordan.lee@gmail.com\"", new[] { Jordan })]
    [InlineData("acme-support", new[] { "auth0|64b7f0c2a1e9d3f4b5c6a7d8", "auth0|6511c0ffee4b2a9d8e7f6a5b" })]
    [InlineData("name:Sam*", new[] { "auth0|63e1b8d0c3f4a5b6c7d8e9f0" })]
    [InlineData("user_id:\"auth0|6401d7e8f9a0b1c2d3e4f5a6\"", new[] { "auth0|6401d7e8f9a0b1c2d3e4f5a6" })]
    [InlineData("\"' OR 1=1 --\"", new string[0])]
    [InlineData("jordan gmail", new[] { Jordan })]
    [InlineData("email:priya* name:Priya*", new[] { "auth0|64b7f0c2a1e9d3f4b5c6a7d8" })]
    [InlineData("%", new string[0])]
    public async Task Q_searches_users(string q, string[] expected)
    {
        var users = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/users?q=" + Uri.EscapeDataString(q)))!;
        users.Select(u => u!["user_id"]!.GetValue<string>()).Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData("app_metadata.roles:admin", "unknown field 'app_metadata.roles'")]
    [InlineData("email:\"jordan", "not closed")]
    [InlineData("' OR 1=1 --", "'OR' is not supported")]
    public async Task A_search_that_cannot_be_read_is_400_not_an_empty_list(string q, string mentions)
    {
        var message = await (await _client.GetAsync("/api/v2/users?q=" + Uri.EscapeDataString(q))).Auth0ErrorAsync(400);
        message.Should().StartWith("Query validation error on property q: ").And.Contain(mentions);
    }

    [Fact]
    public async Task Page_minus_one_is_out_of_range_not_a_type_error()
    {
        var message = await (await _client.GetAsync("/api/v2/users?page=-1")).Auth0ErrorAsync(400);
        message.Should().Contain("out of range").And.Contain("page").And.NotContain("Expected type integer");
    }

    [Fact]
    public async Task A_user_is_found_by_its_url_encoded_id()
    {
        var user = (await _client.GetFromJsonAsync<JsonObject>(JordanUrl))!;
        user["user_id"]!.GetValue<string>().Should().Be(Jordan);
        user["user_metadata"]!["theme"]!.GetValue<string>().Should().Be("dark");
        user.Should().NotContainKey("password");
    }

    [Fact]
    public async Task An_unknown_user_is_404_in_auth0_json()
    {
        var response = await _client.GetAsync("/api/v2/users/auth0%7Cnobody");
        (await response.Auth0ErrorAsync(404)).Should().Be("The user does not exist.");
    }

    [Fact]
    public async Task Patch_merges_metadata_by_top_level_key_and_null_removes_a_key()
    {
        var response = await _client.PatchJsonAsync(JordanUrl, new
        {
            name = "Jordan Q. Lee",
            app_metadata = new Dictionary<string, object?> { ["plan"] = "enterprise", ["visits"] = null, ["flags"] = new { beta = true } },
            user_metadata = new { language = "de" },
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var patched = await response.JsonAsync();
        var stored = (await _client.GetFromJsonAsync<JsonObject>(JordanUrl))!;
        foreach (var user in new[] { patched, stored })
        {
            user["name"]!.GetValue<string>().Should().Be("Jordan Q. Lee");
            user["nickname"]!.GetValue<string>().Should().Be("jordan", "fields not sent stay as they were");
            var app = user["app_metadata"]!.AsObject();
            app["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("customer");
            app["plan"]!.GetValue<string>().Should().Be("enterprise");
            app.Should().NotContainKey("visits");
            app["flags"]!["beta"]!.GetValue<bool>().Should().BeTrue();
            user["user_metadata"]!["theme"]!.GetValue<string>().Should().Be("dark");
            user["user_metadata"]!["language"]!.GetValue<string>().Should().Be("de");
        }
    }

    [Fact]
    public async Task Patch_null_removes_a_profile_attribute_and_blocked_is_stored()
    {
        var user = await (await _client.PatchJsonAsync(JordanUrl, new Dictionary<string, object?> { ["nickname"] = null, ["blocked"] = true })).JsonAsync();
        user.AsObject().Should().NotContainKey("nickname");
        user["blocked"]!.GetValue<bool>().Should().BeTrue();
        _factory.Services.GetRequiredService<TenantStore>().GetUser(Jordan)!.Blocked.Should().BeTrue();
    }

    [Fact]
    public async Task Patch_password_is_hashed_and_never_returned()
    {
        var store = _factory.Services.GetRequiredService<TenantStore>();
        var before = store.GetUser(Jordan)!.PasswordHash;

        var response = await _client.PatchJsonAsync(JordanUrl, new { password = "N3w-Passw0rd-123" });

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        text.Should().NotContainAny("password", "N3w-Passw0rd-123", "AQAAAA");
        var hash = store.GetUser(Jordan)!.PasswordHash!;
        hash.Should().NotBe(before);
        var hasher = new PasswordHasher<string>();
        hasher.VerifyHashedPassword(Jordan, hash, "N3w-Passw0rd-123").Should().Be(PasswordVerificationResult.Success);
        hasher.VerifyHashedPassword(Jordan, hash, SamplePassword).Should().Be(PasswordVerificationResult.Failed);
    }

    [Fact]
    public async Task Patch_email_marks_it_unverified_and_a_taken_email_is_409()
    {
        var changed = await (await _client.PatchJsonAsync(JordanUrl, new { email = "jordan@new.example.com" })).JsonAsync();
        changed["email"]!.GetValue<string>().Should().Be("jordan@new.example.com");
        changed["email_verified"]!.GetValue<bool>().Should().BeFalse();

        var taken = await _client.PatchJsonAsync(JordanUrl, new { email = "NOOR.HADDAD@example.org" });
        await taken.Auth0ErrorAsync(409);
    }

    [Theory]
    [InlineData("""{ "nmae": "typo" }""", "nmae")]
    [InlineData("""{ "blocked": "yes" }""", "blocked")]
    [InlineData("""{ "app_metadata": [1, 2] }""", "app_metadata")]
    [InlineData("""{ "app_metadata": null }""", "app_metadata")]
    [InlineData("""{ "email": "not-an-email" }""", "email")]
    [InlineData("""{ "email": 42 }""", "email")]
    [InlineData("""{ "picture": "javascript:alert(1)" }""", "picture")]
    [InlineData("""{ "password": "short" }""", "Password")]
    [InlineData("""{ "connection": "other-db" }""", "connection")]
    [InlineData("""{}""", "minimum 1")]
    [InlineData("""{ "name": "a", "name": "b" }""", "JSON")]
    [InlineData("""{ "name": "unterminated""", "JSON")]
    [InlineData("""[{ "name": "x" }]""", "object")]
    [InlineData("""null""", "object")]
    [InlineData("""   """, "empty")]
    public async Task Bad_patch_bodies_are_400_with_a_clear_message_and_change_nothing(string body, string mentions)
    {
        var response = await _client.SendRawAsync(HttpMethod.Patch, JordanUrl, body);
        (await response.Auth0ErrorAsync(400)).Should().Contain(mentions);

        var user = (await _client.GetFromJsonAsync<JsonObject>(JordanUrl))!;
        user["name"]!.GetValue<string>().Should().Be("Jordan Lee");
        user["blocked"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400_and_an_oversized_one_413()
    {
        var form = await _client.SendRawAsync(HttpMethod.Patch, JordanUrl, "name=x", "application/x-www-form-urlencoded");
        (await form.Auth0ErrorAsync(400)).Should().Contain("Content-Type");

        var huge = await _client.SendRawAsync(HttpMethod.Patch, JordanUrl, $$"""{ "name": "{{new string('x', 300 * 1024)}}" }""");
        (await huge.Auth0ErrorAsync(413)).Should().Contain("limit");

        var deep = await _client.SendRawAsync(HttpMethod.Patch, JordanUrl, """{ "user_metadata": """ + new string('[', 500) + new string(']', 500) + "}");
        await deep.Auth0ErrorAsync(400);
    }

    [Fact]
    public async Task Patch_of_an_unknown_user_is_404()
    {
        var response = await _client.PatchJsonAsync("/api/v2/users/auth0%7Cnobody", new { name = "x" });
        await response.Auth0ErrorAsync(404);
    }

    [Fact]
    public async Task Post_creates_a_database_user_with_a_hashed_password_and_returns_201_without_it()
    {
        var response = await _client.PostAsJsonAsync("/api/v2/users", new
        {
            connection = "Username-Password-Authentication",
            email = "new.person@example.com",
            password = "Fresh-Passw0rd!",
            name = "New Person",
            app_metadata = new { roles = new[] { "customer" } },
        });

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        text.Should().NotContainAny("password", "Fresh-Passw0rd!", "AQAAAA");
        var created = JsonNode.Parse(text)!;
        var userId = created["user_id"]!.GetValue<string>();
        userId.Should().MatchRegex("^auth0\\|[0-9a-f]{24}$");
        created["email_verified"]!.GetValue<bool>().Should().BeFalse();
        created["nickname"]!.GetValue<string>().Should().Be("new.person");
        created["logins_count"]!.GetValue<long>().Should().Be(0);
        response.Headers.Location!.ToString().Should().Be("/api/v2/users/" + Uri.EscapeDataString(userId));

        var fetched = (await _client.GetFromJsonAsync<JsonObject>(response.Headers.Location))!;
        fetched["name"]!.GetValue<string>().Should().Be("New Person");
        var hash = _factory.Services.GetRequiredService<TenantStore>().GetUser(userId)!.PasswordHash!;
        new PasswordHasher<string>().VerifyHashedPassword(userId, hash, "Fresh-Passw0rd!").Should().Be(PasswordVerificationResult.Success);
    }

    [Fact]
    public async Task Post_takes_a_given_user_id_under_the_connections_provider()
    {
        var created = await (await _client.PostAsJsonAsync("/api/v2/users", new
        {
            connection = "Username-Password-Authentication",
            user_id = "imported-42",
            email = "imported@example.com",
            password = "Imported-Passw0rd!",
        })).JsonAsync();
        created["user_id"]!.GetValue<string>().Should().Be("auth0|imported-42");

        var again = await _client.PostAsJsonAsync("/api/v2/users", new
        {
            connection = "Username-Password-Authentication",
            user_id = "imported-42",
            email = "other@example.com",
            password = "Imported-Passw0rd!",
        });
        await again.Auth0ErrorAsync(409);
    }

    [Fact]
    public async Task Post_with_an_email_already_in_the_connection_is_409()
    {
        var response = await _client.PostAsJsonAsync("/api/v2/users", new
        {
            connection = "Username-Password-Authentication",
            email = "Jordan.Lee@gmail.com",
            password = "Another-Passw0rd!",
        });
        (await response.Auth0ErrorAsync(409)).Should().Be("The user already exists.");
    }

    [Fact]
    public async Task Concurrent_creates_of_one_email_let_exactly_one_through()
    {
        var attempts = Enumerable.Range(0, 8).Select(i => _client.PostAsJsonAsync("/api/v2/users", new
        {
            connection = "Username-Password-Authentication",
            email = "race@example.com",
            password = "Race-Passw0rd!-" + i,
        }));
        var responses = await Task.WhenAll(attempts);
        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(7);
    }

    [Theory]
    [InlineData("""{ "email": "a@example.com", "password": "Long-enough-1" }""", "connection")]
    [InlineData("""{ "connection": "No-Such-Connection", "email": "a@example.com", "password": "Long-enough-1" }""", "No-Such-Connection")]
    [InlineData("""{ "connection": "Username-Password-Authentication", "email": "a@example.com" }""", "password")]
    [InlineData("""{ "connection": "Username-Password-Authentication", "password": "Long-enough-1" }""", "email")]
    [InlineData("""{ "connection": "Username-Password-Authentication", "email": "a@example.com", "password": "short" }""", "Password")]
    [InlineData("""{ "connection": "Username-Password-Authentication", "email": "a@example.com", "password": "Long-enough-1", "logins_count": 5 }""", "logins_count")]
    [InlineData("""{ "connection": "Username-Password-Authentication", "email": "a@example.com", "password": "Long-enough-1", "user_id": "a/b" }""", "user_id")]
    [InlineData("""{ "connection": 7 }""", "connection")]
    public async Task Post_validation_errors_are_400_and_create_nothing(string body, string mentions)
    {
        var response = await _client.SendRawAsync(HttpMethod.Post, "/api/v2/users", body);
        (await response.Auth0ErrorAsync(400)).Should().Contain(mentions);

        var users = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/users"))!;
        users.Should().HaveCount(7);
    }
}

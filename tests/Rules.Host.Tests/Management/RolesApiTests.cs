using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Login;

namespace Rules.Host.Tests.Management;

/// <summary>/api/v2/roles and /api/v2/users/{id}/roles in Auth0's shapes, and the roles every login puts in context.authorization.</summary>
public sealed class RolesApiTests : IDisposable
{
    private const string RoleScopes = " read:roles create:roles update:roles delete:roles create:role_members delete:role_members";
    private const string JordanRoles = "/api/v2/users/auth0%7C63f2a9c1d4e5b6a7c8d9e0f1/roles";
    private const string PriyaRoles = "/api/v2/users/auth0%7C64b7f0c2a1e9d3f4b5c6a7d8/roles";

    private readonly RulesHostFactory _factory = ManagementApi.NewHost();
    private readonly HttpClient _client;

    public RolesApiTests() => _client = _factory.CreateManagementClient(ManagementApi.AllScopes + RoleScopes);

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public async Task The_sample_tenant_has_support_agents_and_admins()
    {
        var roles = (await _client.GetFromJsonAsync<JsonArray>("/api/v2/roles"))!;
        roles.Select(r => r!["name"]!.GetValue<string>()).Should().Equal("Admin", "Support Agent");
        roles.Should().AllSatisfy(r => r!["id"]!.GetValue<string>().Should().MatchRegex("^rol_[A-Za-z0-9]{16}$"));

        var priya = (await _client.GetFromJsonAsync<JsonArray>(PriyaRoles))!;
        priya.Should().ContainSingle().Which!["name"]!.GetValue<string>().Should().Be("Support Agent");
    }

    [Fact]
    public async Task Roles_are_created_read_updated_filtered_and_deleted()
    {
        var created = await _client.PostAsJsonAsync("/api/v2/roles", new { name = "Billing", description = "Sees invoices" });
        created.StatusCode.Should().Be(HttpStatusCode.OK);
        var role = (await created.JsonAsync()).AsObject();
        var id = role["id"]!.GetValue<string>();
        role["name"]!.GetValue<string>().Should().Be("Billing");
        role["description"]!.GetValue<string>().Should().Be("Sees invoices");

        (await _client.GetFromJsonAsync<JsonObject>($"/api/v2/roles/{id}"))!["name"]!.GetValue<string>().Should().Be("Billing");
        var patched = await _client.PatchJsonAsync($"/api/v2/roles/{id}", new { description = "Sees and pays invoices" });
        (await patched.JsonAsync())["description"]!.GetValue<string>().Should().Be("Sees and pays invoices");

        var page = (await _client.GetFromJsonAsync<JsonObject>("/api/v2/roles?name_filter=bill&include_totals=true&per_page=10"))!;
        page["total"]!.GetValue<int>().Should().Be(1);
        page["start"]!.GetValue<int>().Should().Be(0);
        page["limit"]!.GetValue<int>().Should().Be(10);
        page["roles"]!.AsArray().Should().ContainSingle();

        (await _client.PostAsJsonAsync(JordanRoles, new { roles = new[] { id } })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.DeleteAsync($"/api/v2/roles/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await _client.GetAsync($"/api/v2/roles/{id}")).Auth0ErrorAsync(404);
        (await _client.GetFromJsonAsync<JsonArray>(JordanRoles))!.Should().BeEmpty("deleting a role takes it from its users");
    }

    [Fact]
    public async Task A_duplicate_name_is_a_conflict_and_bad_bodies_are_refused_with_Auth0s_messages()
    {
        (await (await _client.PostAsJsonAsync("/api/v2/roles", new { name = "Admin" })).Auth0ErrorAsync(409)).Should().Contain("Admin");
        (await (await _client.PostAsJsonAsync("/api/v2/roles", new { description = "no name" })).Auth0ErrorAsync(400)).Should().Contain("Missing required property: name");
        (await (await _client.PostAsJsonAsync(JordanRoles, new { roles = Array.Empty<string>() })).Auth0ErrorAsync(400)).Should().Contain("minimum 1");
        (await (await _client.PostAsJsonAsync(JordanRoles, new { roles = new[] { "rol_doesnotexist00" } })).Auth0ErrorAsync(404)).Should().Contain("rol_doesnotexist00");
        await (await _client.PostAsJsonAsync("/api/v2/users/auth0%7Cnobody/roles", new { roles = new[] { await RoleIdAsync("Admin") } })).Auth0ErrorAsync(404);
        await (await _client.GetAsync("/api/v2/users/auth0%7Cnobody/roles")).Auth0ErrorAsync(404);
    }

    [Fact]
    public async Task Assigning_and_removing_a_users_roles_answers_204_and_lists_them()
    {
        var admin = await RoleIdAsync("Admin");
        var support = await RoleIdAsync("Support Agent");
        (await _client.PostAsJsonAsync(JordanRoles, new { roles = new[] { admin, support } })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.PostAsJsonAsync(JordanRoles, new { roles = new[] { admin } })).StatusCode.Should().Be(HttpStatusCode.NoContent, "assigning a held role again is no error");

        var page = (await _client.GetFromJsonAsync<JsonObject>(JordanRoles + "?include_totals=true"))!;
        page["total"]!.GetValue<int>().Should().Be(2);
        page["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Should().Equal("Admin", "Support Agent");

        var remove = new HttpRequestMessage(HttpMethod.Delete, JordanRoles) { Content = JsonContent.Create(new { roles = new[] { admin } }) };
        (await _client.SendAsync(remove)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.GetFromJsonAsync<JsonArray>(JordanRoles))!.Select(r => r!["name"]!.GetValue<string>()).Should().Equal("Support Agent");

        var members = (await _client.GetFromJsonAsync<JsonArray>($"/api/v2/roles/{support}/users"))!;
        members.Select(m => m!["user_id"]!.GetValue<string>()).Should().Contain([HostHarness.Jordan, HostHarness.Priya]);
        members.Single(m => m!["user_id"]!.GetValue<string>() == HostHarness.Jordan)!["email"]!.GetValue<string>().Should().Be(HostHarness.JordanEmail);
    }

    [Fact]
    public async Task Each_role_endpoint_needs_its_scope()
    {
        using var readOnly = _factory.CreateManagementClient("read:users");
        await (await readOnly.GetAsync("/api/v2/roles")).Auth0ErrorAsync(403);
        await (await readOnly.GetAsync(JordanRoles)).Auth0ErrorAsync(403);
        await (await readOnly.PostAsJsonAsync(JordanRoles, new { roles = new[] { "rol_x" } })).Auth0ErrorAsync(403);
        using var anonymous = _factory.CreateClient();
        await (await anonymous.GetAsync("/api/v2/roles")).Auth0ErrorAsync(401);
    }

    private async Task<string> RoleIdAsync(string name) =>
        (await _client.GetFromJsonAsync<JsonArray>("/api/v2/roles"))!.Single(r => r!["name"]!.GetValue<string>() == name)!["id"]!.GetValue<string>();
}

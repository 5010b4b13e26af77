using System.Net;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>
/// Sends every request in <see cref="HostileRequests"/> to a fresh server: each gets the right 4xx in the endpoint's
/// error shape, writes nothing, and leaks nothing (<see cref="ResponseLeaks"/>).
/// </summary>
public sealed class HostileRequestCatalogueTests
{
    public static TheoryData<string> Catalogue() => new(HostileRequests.All.Select(c => c.Name));

    [Fact]
    public void Catalogue_covers_every_endpoint_with_at_least_thirty_cases()
    {
        HostileRequests.All.Should().HaveCountGreaterThanOrEqualTo(30);
        HostileRequests.All.Select(c => c.Name).Should().OnlyHaveUniqueItems();
        var prefixes = HostileRequests.All.Select(c => c.Name.Split(':')[0]).ToHashSet();
        prefixes.Should().Contain(["token", "impersonate", "link", "authorize", "login page", "login", "logout", "oidc logout", "userinfo", "users", "rules", "rules-configs", "logs", "decision-logs"]);
    }

    [Theory]
    [MemberData(nameof(Catalogue))]
    public async Task Hostile_request_is_refused_cleanly(string name)
    {
        var hostile = HostileRequests.Find(name);
        using var harness = new HostHarness();
        using var request = await hostile.Arrange(harness);
        var before = DatabaseSnapshot.Take(harness);

        using var client = harness.NewClient(); // its own cookie jar: nothing from the set-up rides along
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));
        var report = $"{(int)response.StatusCode} {headers}\n{body[..Math.Min(body.Length, 2000)]}";

        response.StatusCode.Should().Be(hostile.Status, report);
        AssertShape(hostile, response, body, report);
        response.Headers.Location.Should().BeNull("a refusal never redirects: {0}", report);
        ResponseLeaks.Find(headers + "\n" + body, harness).Should().BeEmpty(report);
        DatabaseSnapshot.Take(harness).Tables.Should().Equal(before.Tables, "a refused request writes nothing");
    }

    private static void AssertShape(HostileRequest hostile, HttpResponseMessage response, string body, string report)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        switch (hostile.Refusal)
        {
            case Refusal.Auth0Json:
            {
                mediaType.Should().Be("application/json", report);
                var error = JsonNode.Parse(body)!.AsObject();
                error.Select(p => p.Key).Should().BeEquivalentTo(["statusCode", "error", "message", "errorCode"], report);
                error["statusCode"]!.GetValue<int>().Should().Be((int)hostile.Status, report);
                error["error"]!.GetValue<string>().Should().BeOneOf(ReasonPhrases(hostile.Status), report);
                error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace(report);
                error["errorCode"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace(report);
                break;
            }
            case Refusal.OAuthJson:
            {
                mediaType.Should().Be("application/json", report);
                var error = JsonNode.Parse(body)!.AsObject();
                error.Select(p => p.Key).Should().BeEquivalentTo(["error", "error_description"], report);
                error["error"]!.GetValue<string>().Should().MatchRegex("^[a-z_]+$", report);
                error["error_description"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace(report);
                break;
            }
            case Refusal.HtmlPage:
                mediaType.Should().Be("text/html", report);
                body.Should().Contain("</html>", report);
                break;
        }
    }

    // Auth0 still answers 413 with RFC 2616's name for it, "Request Entity Too Large"; every route copies that.
    private static string[] ReasonPhrases(HttpStatusCode status) => status == HttpStatusCode.RequestEntityTooLarge
        ? ["Request Entity Too Large"]
        : [Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)status)];
}

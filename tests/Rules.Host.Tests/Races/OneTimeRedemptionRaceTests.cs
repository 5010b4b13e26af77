using System.Net;
using System.Text.Json.Nodes;
using Rules.Host.Impersonation;
using Rules.Host.OAuth;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Races;

/// <summary>
/// A one-time link or code presented by many requests at the same moment: the in-process server handles them on
/// the thread pool at once, so only the store's atomic redemption stands between them and a second login.
/// </summary>
public class OneTimeRedemptionRaceTests
{
    private const int Contenders = 50;

    [Fact]
    public async Task One_link_followed_by_50_requests_at_once_logs_in_exactly_once()
    {
        using var host = new HostHarness();
        var link = await host.CreateLinkAsync();
        var linkId = ImpersonationLinkStore.LinkId(Secrets.Hash(new Uri(link).Segments[^1]));

        var responses = await AllAtOnce(() => host.FollowAsync(link));

        var redirects = responses.Where(r => r.StatusCode == HttpStatusCode.Redirect).ToList();
        redirects.Should().ContainSingle("one request wins the link");
        HostHarness.CallbackParameters(redirects[0]).Should().ContainKey("code");
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(Contenders - 1, "every other request is refused");
        host.AuditEntries("s").Count(e => e.Details["link_id"]?.GetValue<string>() == linkId).Should().Be(1);
        host.Scalar<long>("SELECT COUNT(*) FROM authorization_codes").Should().Be(1, "only the winner was issued a code");
        host.DecisionRecords().Should().ContainSingle("the rules ran for the winner only");
    }

    [Fact]
    public async Task One_code_exchanged_by_50_requests_at_once_yields_exactly_one_token_response()
    {
        using var host = new HostHarness();
        var code = await host.CodeAsync();

        var responses = await AllAtOnce(() => host.ExchangeAsync(code));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().Be(Contenders - 1);
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.BadRequest))
        {
            JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>().Should().Be("invalid_grant");
        }
        host.AuditEntries("seacft").Should().ContainSingle();
        host.AuditEntries("feacft").Should().HaveCount(Contenders - 1);
    }

    /// <summary>Starts every request before awaiting any, so they reach the server together.</summary>
    private static async Task<HttpResponseMessage[]> AllAtOnce(Func<Task<HttpResponseMessage>> send)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, Contenders).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await send();
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(requests);
    }
}

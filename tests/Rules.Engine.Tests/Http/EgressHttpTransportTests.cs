using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using Rules.Engine.Http;
using Xunit;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// The egress core against loopback fakes, and through <see cref="RecordingNetwork"/> for every other address: a refused
/// call must leave the fake without a request and the seam without a connection.
/// </summary>
public sealed class EgressHttpTransportTests
{
    private static readonly HttpCallLimits Limits = new(64 * 1024, TimeSpan.FromSeconds(5));

    private static RecordingNetwork Network(params (string Name, string Address)[] names) =>
        new(names.GroupBy(n => n.Name).ToDictionary(g => g.Key, g => g.Select(n => n.Address).ToArray()));

    private static Task<RuleHttpResponse> Get(EgressHttpTransport transport, string url, HttpCallLimits? limits = null) =>
        transport.SendAsync(new RuleHttpRequest("GET", new Uri(url), [], null), limits ?? Limits, CancellationToken.None);

    private static async Task<RuleHttpException> Refused(EgressHttpTransport transport, string url, HttpCallLimits? limits = null)
    {
        var act = () => Get(transport, url, limits);
        return (await act.Should().ThrowAsync<RuleHttpException>()).Which;
    }

    [Fact]
    public async Task A_service_the_allow_list_names_by_address_is_called()
    {
        await using var fake = new FakeHttpService();
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([fake.Origin]), Network());

        var response = await Get(transport, fake.Origin + "/ping?x=1");

        response.Status.Should().Be(200);
        response.Body.Should().Be("""{"ok":true}""");
        response.Headers["content-type"].Should().Be("application/json");
        fake.Received.Single().Target.Should().Be("/ping?x=1");
    }

    [Fact]
    public async Task Loopback_that_is_not_allowed_receives_nothing()
    {
        await using var fake = new FakeHttpService();
        var network = Network();
        using var transport = new EgressHttpTransport(EgressPolicy.Parse(["http://127.0.0.2:" + fake.Port, "api.example.com"]), network);

        (await Refused(transport, fake.Origin + "/")).Code.Should().Be(RuleHttpException.EgressDenied);

        fake.Received.Should().BeEmpty();
        network.Connects.Should().BeEmpty();
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.0.0.7", "private")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "private")]
    public async Task A_name_that_resolves_to_a_special_address_is_refused_after_DNS(string address, string kind)
    {
        await using var fake = new FakeHttpService();
        var network = Network(("rebind.test", address));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([$"http://rebind.test:{fake.Port}"]), network);

        var refused = await Refused(transport, $"http://rebind.test:{fake.Port}/");

        refused.Code.Should().Be(RuleHttpException.EgressDenied);
        refused.Message.Should().Contain(kind);
        network.Resolved.Should().Equal("rebind.test");
        network.Connects.Should().BeEmpty();
        fake.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task A_name_with_a_public_and_a_private_address_connects_only_to_the_public_one()
    {
        var network = Network(("api.example.com", "10.0.0.7"), ("api.example.com", "93.184.216.34"));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse(["api.example.com"]), network);

        await Refused(transport, "https://api.example.com/");

        // The seam refuses every non-loopback connection; what matters is which address the policy let it try.
        network.Connects.Should().Equal(new IPEndPoint(IPAddress.Parse("93.184.216.34"), 443));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://[::ffff:7f00:1]:{port}/")]
    [InlineData("http://2130706433:{port}/")]
    [InlineData("http://0177.0.0.1:{port}/")]
    [InlineData("http://localhost:{port}/")]
    public async Task Metadata_mapped_and_numeric_literals_are_refused_before_any_connection(string url)
    {
        await using var fake = new FakeHttpService();
        var network = Network(("localhost", "127.0.0.1"));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([$"http://fake.test:{fake.Port}", "http://metadata.test", $"http://localhost:{fake.Port}"]), network);

        (await Refused(transport, url.Replace("{port}", fake.Port.ToString()))).Code.Should().Be(RuleHttpException.EgressDenied);

        network.Connects.Should().BeEmpty();
        fake.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_redirect_hop_is_decided_again()
    {
        await using var target = new FakeHttpService();
        await using var allowed = new FakeHttpService(_ => FakeResponse.Redirect(target.Origin + "/secret"));
        var network = Network();
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([allowed.Origin]), network);

        var refused = await Refused(transport, allowed.Origin + "/start");

        refused.Message.Should().Contain("redirect 1");
        allowed.Received.Should().ContainSingle();
        target.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task An_allowed_redirect_is_followed_and_credentials_stay_with_their_host()
    {
        await using var target = new FakeHttpService();
        await using var first = new FakeHttpService(_ => FakeResponse.Redirect(target.Origin + "/next"));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([first.Origin, target.Origin]), Network());

        var response = await transport.SendAsync(new RuleHttpRequest("GET", new Uri(first.Origin + "/"), [new("Authorization", "Bearer s3cret")], null), Limits, CancellationToken.None);

        response.Status.Should().Be(200);
        response.Url.Should().Be(new Uri(target.Origin + "/next"));
        first.Received.Single().Headers.Should().ContainKey("authorization");
        target.Received.Single().Headers.Should().NotContainKey("authorization");
    }

    [Fact]
    public async Task Plain_http_needs_an_entry_that_says_http()
    {
        var network = Network(("api.example.com", "93.184.216.34"));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse(["api.example.com"]), network);

        (await Refused(transport, "http://api.example.com/")).Code.Should().Be(RuleHttpException.EgressDenied);
        network.Resolved.Should().BeEmpty();
    }

    [Fact]
    public async Task A_slow_service_times_out_at_the_call_limit()
    {
        await using var fake = new FakeHttpService(_ => FakeResponse.Json(200, "{}", delayMs: 3000));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([fake.Origin]), Network());

        var refused = await Refused(transport, fake.Origin + "/", Limits with { Timeout = TimeSpan.FromMilliseconds(200) });

        refused.Code.Should().Be("ETIMEDOUT");
    }

    [Fact]
    public async Task A_slow_drip_body_times_out_too()
    {
        await using var fake = new FakeHttpService(_ => FakeResponse.Json(200, new string('x', 200), dripMs: 50));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([fake.Origin]), Network());

        (await Refused(transport, fake.Origin + "/", Limits with { Timeout = TimeSpan.FromMilliseconds(300) })).Code.Should().Be("ETIMEDOUT");
    }

    [Fact]
    public async Task A_body_over_the_cap_is_stopped_and_names_the_limit()
    {
        await using var fake = new FakeHttpService(_ => FakeResponse.Json(200, new string('x', 5000)));
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([fake.Origin]), Network());

        var refused = await Refused(transport, fake.Origin + "/", Limits with { MaxResponseBytes = 1000 });

        refused.Code.Should().Be(RuleHttpException.ResponseTooLarge);
        refused.Limit.Should().Be("MaxHttpResponseBytes");
    }

    [Fact]
    public async Task A_closed_port_is_connection_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var transport = new EgressHttpTransport(EgressPolicy.Parse([$"http://127.0.0.1:{port}"]), Network());

        (await Refused(transport, $"http://127.0.0.1:{port}/")).Code.Should().Be("ECONNREFUSED");
    }

    [Fact]
    public async Task Errors_and_logs_show_the_url_without_its_query()
    {
        using var transport = new EgressHttpTransport(EgressPolicy.DenyAll, Network());

        var refused = await Refused(transport, "https://api.example.com/users?token=s3cret");

        refused.Message.Should().Contain("https://api.example.com").And.NotContain("s3cret");
    }
}

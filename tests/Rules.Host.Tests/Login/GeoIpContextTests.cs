using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.GeoIp;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Login;

/// <summary>context.request.geoip from the operator's MaxMind database, through the lookup seam (no real database in tests).</summary>
public sealed class GeoIpContextTests
{
    private sealed class FakeLookup(GeoIpLocation? location) : IGeoIpLookup
    {
        public List<IPAddress> Asked { get; } = [];

        public GeoIpLocation? Lookup(IPAddress address)
        {
            Asked.Add(address);
            return location;
        }
    }

    private static readonly GeoIpLocation Berlin = new("DE", "Germany", "Berlin", 52.52, 13.405, "Europe/Berlin", "EU");

    [Fact]
    public async Task A_login_carries_the_client_addresss_location_in_Auth0s_shape()
    {
        var lookup = new FakeLookup(Berlin);
        using var host = new HostHarness(services: s => s.AddSingleton<IGeoIpLookup>(lookup));

        await host.TokensAsync();

        lookup.Asked.Should().Equal(IPAddress.Parse(HostHarness.ClientIp));
        var geoip = Request(host)["geoip"]!.AsObject();
        geoip.ToJsonString().Should().Be("""{"country_code":"DE","country_code3":"DEU","country_name":"Germany","city_name":"Berlin","latitude":52.52,"longitude":13.405,"time_zone":"Europe/Berlin","continent_code":"EU"}""");
    }

    [Fact]
    public async Task Without_a_database_or_a_record_geoip_is_absent_so_a_rule_reading_it_fails_closed()
    {
        using var rules = new TempRulesDirectory();
        rules.Write("geo.js", """
            function (user, context, callback) {
              if (context.request.geoip.country_code !== 'DE') return callback(new UnauthorizedError('outside Germany'));
              callback(null, user, context);
            }
            """);
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = rules.Rules });

        var callback = HostHarness.CallbackParameters(await host.FollowAsync(await host.CreateLinkAsync()));

        callback["error"].Should().Be("access_denied");
        Request(host).Should().NotContainKey("geoip");
        host.DecisionRecords().Single()["outcome"]!["kind"]!.GetValue<string>().Should().Be("rule_error");

        using var unknown = new HostHarness(services: s => s.AddSingleton<IGeoIpLookup>(new FakeLookup(null)));
        await unknown.TokensAsync();
        Request(unknown).Should().NotContainKey("geoip");
    }

    [Fact]
    public void A_country_database_leaves_out_what_it_does_not_know()
    {
        new GeoIpLocation("BR", "Brazil", null, null, null, null, "SA").ToJson().ToJsonString()
            .Should().Be("""{"country_code":"BR","country_code3":"BRA","country_name":"Brazil","continent_code":"SA"}""");
    }

    [Fact]
    public void A_database_path_that_is_missing_or_not_a_MaxMind_file_is_refused_with_the_setting_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".mmdb");
        FluentActions.Invoking(() => new MaxMindGeoIpLookup(missing)).Should().Throw<InvalidOperationException>()
            .WithMessage("*Rules:GeoIp:Database*does not exist*");

        var notMmdb = Path.GetTempFileName();
        File.WriteAllText(notMmdb, "this is not a MaxMind database");
        try
        {
            FluentActions.Invoking(() => new MaxMindGeoIpLookup(notMmdb)).Should().Throw<InvalidOperationException>()
                .WithMessage("*Rules:GeoIp:Database*not a MaxMind database*");
        }
        finally
        {
            File.Delete(notMmdb);
        }
    }

    private static JsonObject Request(HostHarness host) => host.DecisionRecords()[^1]["transaction"]!["context"]!["request"]!.AsObject();
}

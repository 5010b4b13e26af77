using System.Net;
using FluentAssertions;
using Rules.Engine.Http;
using Xunit;

namespace Rules.Engine.Tests.Http;

public sealed class EgressPolicyTests
{
    private static EgressPolicy Policy(params string[] entries) => EgressPolicy.Parse(entries);

    [Theory]
    [InlineData("https://api.example.com/users", true)]
    [InlineData("https://API.Example.com./users", true)]
    [InlineData("http://api.example.com/users", false)]
    [InlineData("https://api.example.com:8443/users", false)]
    [InlineData("https://evil.example.com/", false)]
    [InlineData("https://hooks.slack.com/services/T1", true)]
    [InlineData("https://slack.com/", false)]
    [InlineData("https://slack.com.evil.net/", false)]
    [InlineData("https://crm.example.com/v2/lookup?email=a", true)]
    [InlineData("https://crm.example.com/v2", true)]
    [InlineData("https://crm.example.com/v2/../admin", false)]
    [InlineData("https://crm.example.com/v2/%2e%2e/admin", false)]
    [InlineData("https://crm.example.com/v20/lookup", false)]
    [InlineData("https://crm.example.com/admin", false)]
    [InlineData("ftp://api.example.com/", false)]
    public void A_url_is_allowed_only_by_an_entry_for_its_scheme_host_port_and_path(string url, bool allowed)
    {
        var policy = Policy("api.example.com", "*.slack.com", "https://crm.example.com/v2/");

        var (entry, refusal) = policy.Decide(new Uri(url));

        (entry is not null).Should().Be(allowed, refusal);
    }

    [Fact]
    public void Nothing_is_allowed_by_default()
    {
        EgressPolicy.DenyAll.Decide(new Uri("https://api.example.com/")).Refusal.Should().Contain("the list is empty");
    }

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://0x7f.0.0.1/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://127.1/")]
    public void An_address_written_in_decimal_octal_or_hex_is_refused_even_when_the_address_is_allowed(string url)
    {
        var (entry, refusal) = Policy("http://127.0.0.1").Decide(new Uri(url));

        entry.Should().BeNull();
        refusal.Should().Contain("dotted quad");
    }

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.20.0.1", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("169.254.10.10", "link-local")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved or broadcast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("fd00:ec2::254", "private (unique local)")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    public void A_host_name_entry_never_opens_a_special_address(string address, string kind)
    {
        var entry = EgressEntry.Parse("api.example.com");

        EgressPolicy.CheckAddress(entry, IPAddress.Parse(address)).Should().Contain(kind);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:2800:220:1::1")]
    public void A_host_name_entry_opens_a_public_address(string address)
    {
        EgressPolicy.CheckAddress(EgressEntry.Parse("api.example.com"), IPAddress.Parse(address)).Should().BeNull();
    }

    [Fact]
    public void Only_an_entry_naming_the_address_or_its_range_opens_a_special_address()
    {
        var exact = EgressEntry.Parse("http://127.0.0.1:8080");
        var range = EgressEntry.Parse("10.1.0.0/16");

        EgressPolicy.CheckAddress(exact, IPAddress.Parse("127.0.0.1")).Should().BeNull();
        EgressPolicy.CheckAddress(exact, IPAddress.Parse("::ffff:127.0.0.1")).Should().BeNull("it is the same address");
        EgressPolicy.CheckAddress(exact, IPAddress.Parse("127.0.0.2")).Should().NotBeNull();
        EgressPolicy.CheckAddress(range, IPAddress.Parse("10.1.200.3")).Should().BeNull();
        EgressPolicy.CheckAddress(range, IPAddress.Parse("10.2.0.1")).Should().NotBeNull();
        Policy("10.1.0.0/16").Decide(new Uri("https://10.1.2.3/")).Entry.Should().NotBeNull();
        Policy("10.1.0.0/16").Decide(new Uri("http://10.1.2.3/")).Entry.Should().BeNull("the entry does not say http");
    }

    [Fact]
    public void A_literal_address_url_is_never_allowed_by_a_host_name_entry()
    {
        Policy("api.example.com").Decide(new Uri("https://93.184.216.34/")).Entry.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://files.example.com")]
    [InlineData("https://user:pw@api.example.com")]
    [InlineData("https://api.example.com/?q=1")]
    [InlineData("api.*.com")]
    [InlineData("*")]
    [InlineData("api.example.com:99999")]
    [InlineData("2130706433")]
    [InlineData("10.0.0.0/40")]
    [InlineData("https://crm.example.com/v2/../admin/")]
    public void A_malformed_entry_is_refused_with_the_reason(string text)
    {
        var act = () => EgressEntry.Parse(text);

        act.Should().Throw<FormatException>().WithMessage("*egress entry*");
    }
}

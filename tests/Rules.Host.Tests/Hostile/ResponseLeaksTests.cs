using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>The leak detector itself: a catalogue that passes because its detector is blind would prove nothing.</summary>
public sealed class ResponseLeaksTests : IClassFixture<ResponseLeaksTests.Server>
{
    private readonly HostHarness _harness;

    public ResponseLeaksTests(Server server) => _harness = server.Harness;

    [Theory]
    [InlineData("System.InvalidOperationException: Sequence contains no elements")]
    [InlineData("   at Rules.Host.OAuth.TokenEndpoint.HandleAsync()")]
    [InlineData("{\"client_secret\":\"" + HostHarness.PortalSecret + "\"}")]
    [InlineData("{\"hash\":\"AQAAAAIAAYagAAAAE\"}")]
    [InlineData("{\"message\":\"noor.haddad@example.org is not allowed\"}")]
    [InlineData("<p>Hello <script>alert(1)</script></p>")]
    [InlineData("<a href=\"javascript:alert(1)\">back</a>")]
    [InlineData("SQLite Error 1: near \"OR\": syntax error")]
    public void Finds_the_leak(string text) => ResponseLeaks.Find(text, _harness).Should().NotBeEmpty();

    [Fact]
    public void Finds_the_signing_key_in_any_wrapping()
    {
        var pem = _harness.SigningKeyPem();
        var unwrapped = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----")).Select(l => l.Trim()));
        ResponseLeaks.Find("{\"key\":\"" + unwrapped + "\"}", _harness).Should().Contain("the signing key");
    }

    [Theory]
    [InlineData("{\"statusCode\":400,\"error\":\"Bad Request\",\"message\":\"\\u003Cscript\\u003E is not a client\",\"errorCode\":\"invalid_body\"}")]
    [InlineData("<p>&lt;script&gt;alert(1)&lt;/script&gt; is not a client</p>")]
    public void Passes_an_encoded_echo(string text) => ResponseLeaks.Find(text, _harness).Should().BeEmpty();

    public sealed class Server : IDisposable
    {
        public HostHarness Harness { get; } = new();

        public void Dispose() => Harness.Dispose();
    }
}

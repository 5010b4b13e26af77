using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Storage;

namespace Rules.Host.Tests.Keys;

/// <summary>Several instances over one store (SQLite and PostgreSQL): they sign with one key, and one sees the other's rotation.</summary>
public sealed class SharedSigningKeysTests : IDisposable
{
    private const string Issuer = "https://rules.example.com/";
    private const string Audience = Issuer + "api/v2/";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rules-host-tests", "keys-" + Guid.NewGuid().ToString("N"));
    private readonly FixedClock _clock = new(FixedClock.WeekdayMorning);
    private TestStore? _store;

    public void Dispose()
    {
        _store?.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_second_instance_starts_with_the_key_the_first_one_made(string kind)
    {
        _store = TestStore.Create(kind);
        var first = NewInstance();
        var second = NewInstance();

        second.KeyId.Should().Be(first.KeyId);
        Count("SELECT COUNT(*) FROM signing_keys").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Instances_starting_at_once_on_an_empty_store_end_with_one_current_key(string kind)
    {
        _store = TestStore.Create(kind);
        var instances = new SigningKeys[4];
        Parallel.For(0, instances.Length, i => instances[i] = NewInstance());

        instances.Select(k => k.KeyId).Distinct().Should().ContainSingle();
        Count("SELECT COUNT(*) FROM signing_keys WHERE retired_at IS NULL").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_rotation_through_one_instance_is_picked_up_by_another_on_refresh(string kind)
    {
        _store = TestStore.Create(kind);
        var first = NewInstance();
        var second = NewInstance();
        var revision = second.Revision;

        var rotated = first.Rotate(Rules.Host.Audit.ChangeActor.Client("test-client"));
        first.KeyId.Should().Be(rotated.KeyId);
        second.KeyId.Should().NotBe(rotated.KeyId, "nothing has told it yet");

        second.Refresh();
        second.KeyId.Should().Be(rotated.KeyId);
        second.Revision.Should().BeGreaterThan(revision);
        second.Current.Published.Select(k => k.KeyId).Should().Equal(first.Current.Published.Select(k => k.KeyId));
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public async Task A_token_from_a_key_another_instance_just_made_current_validates_at_once(string kind)
    {
        _store = TestStore.Create(kind);
        var first = NewInstance();
        var second = NewInstance();
        first.Rotate(Rules.Host.Audit.ChangeActor.Client("test-client"));
        var token = new JwtFactory(first, _clock).Create(Issuer, Audience, new JsonObject { ["sub"] = "x@clients" }, TimeSpan.FromHours(1));

        var validated = await new JwtFactory(second, _clock).ValidateAsync(token, Issuer, Audience);

        validated.Should().NotBeNull("an unknown kid makes the instance re-read the keys");
        second.KeyId.Should().Be(first.KeyId);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public async Task A_token_naming_a_key_nobody_has_is_still_refused(string kind)
    {
        _store = TestStore.Create(kind);
        var keys = NewInstance();
        using var rsa = RSA.Create(2048);
        var token = new JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = _clock.GetUtcNow().AddHours(1).UtcDateTime,
            IssuedAt = _clock.GetUtcNow().UtcDateTime,
            NotBefore = _clock.GetUtcNow().UtcDateTime,
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = "not-a-key-of-ours" }, "RS256"),
        });

        var factory = new JwtFactory(keys, _clock);
        (await factory.ValidateAsync(token, Issuer, Audience)).Should().BeNull();
        (await factory.ValidateAsync(token, Issuer, Audience)).Should().BeNull("the second try within a second does not even re-read");
    }

    [Fact]
    public async Task The_legacy_key_file_is_imported_so_tokens_issued_before_the_upgrade_stay_valid()
    {
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var legacyKid = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportParameters(false).Modulus!))[..16];
        using var factory = new RulesHostFactory();
        Directory.CreateDirectory(factory.DataDirectory);
        File.WriteAllText(Path.Combine(factory.DataDirectory, SigningKeys.FileName), pem);
        using var client = factory.CreateClient();

        var jwks = (await client.GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!;
        jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).Should().Equal(legacyKid);

        // A token the old server signed with the file's key (same kid, same key) is accepted.
        var old = new JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "http://localhost/",
            Audience = "http://localhost/api/v2/",
            Claims = new Dictionary<string, object> { ["sub"] = "x@clients", ["scope"] = "read:signing_keys" },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = legacyKid }, "RS256"),
        });
        client.DefaultRequestHeaders.Authorization = new("Bearer", old);
        (await client.GetAsync("/api/v2/keys/signing")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_legacy_file_does_not_replace_the_key_the_store_already_has(string kind)
    {
        _store = TestStore.Create(kind);
        var first = NewInstance();
        Directory.CreateDirectory(_directory);
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(Path.Combine(_directory, SigningKeys.FileName), rsa.ExportPkcs8PrivateKeyPem());
        }

        NewInstance().KeyId.Should().Be(first.KeyId);
    }

    // Each instance opens the store through its own handle, as a separate process would.
    private SigningKeys NewInstance() => new(_store!.OpenAnother(), Options(), _clock, NullLogger<SigningKeys>.Instance);

    private IOptions<RulesHostOptions> Options() => Microsoft.Extensions.Options.Options.Create(new RulesHostOptions { DataDirectory = _directory });

    private long Count(string sql)
    {
        using var connection = _store!.Database.Open();
        return connection.ExecuteScalar<long>(sql);
    }
}

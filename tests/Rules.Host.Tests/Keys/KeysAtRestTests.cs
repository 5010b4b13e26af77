using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;
using Rules.Host.Tests.Storage;

namespace Rules.Host.Tests.Keys;

/// <summary>Signing keys and Data Protection keys encrypted in the store under a key-encryption key (SQLite and PostgreSQL).</summary>
public sealed class KeysAtRestTests : IDisposable
{
    private static readonly string KekA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KekB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rules-host-tests", "kek-" + Guid.NewGuid().ToString("N"));
    private readonly FixedClock _clock = new(FixedClock.WeekdayMorning);
    private TestStore? _store;

    public void Dispose()
    {
        _store?.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void With_a_kek_the_store_holds_no_readable_key_material(string kind)
    {
        _store = TestStore.Create(kind);
        var keys = Signing(Encryption(KekA));
        var protector = Protector(Encryption(KekA));
        var payload = protector.Protect("csrf");

        var pem = keys.Key.Rsa.ExportPkcs8PrivateKeyPem();
        var stored = Rows("SELECT private_key FROM signing_keys").Concat(Rows("SELECT xml FROM data_protection_keys")).ToList();
        stored.Should().HaveCount(2).And.OnlyContain(value => value.StartsWith("kek1:" + Encryption(KekA).CurrentKeyId + ":"));
        stored.Should().NotContain(value => value.Contains("PRIVATE KEY") || value.Contains("<key") || value.Contains(MiddleOf(pem)));

        // The same KEK reads them back: another instance signs with the same key and unprotects the same payloads.
        Signing(Encryption(KekA)).KeyId.Should().Be(keys.KeyId);
        Signing(Encryption(KekA)).Key.Rsa.ExportPkcs8PrivateKeyPem().Should().Be(pem);
        Protector(Encryption(KekA)).Unprotect(payload).Should().Be("csrf");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Without_the_kek_the_keys_are_unreadable_and_the_error_names_the_key_needed(string kind)
    {
        _store = TestStore.Create(kind);
        Signing(Encryption(KekA));
        var needed = Encryption(KekA).CurrentKeyId!;

        var withoutKek = () => KeysAtRest.Migrate(_store.OpenAnother(), KeyEncryption.None);
        withoutKek.Should().Throw<SettingsException>().WithMessage($"*encrypted with key-encryption key {needed}*no key-encryption key is configured*Rules:KeyEncryptionKey*");

        var wrongKek = () => KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekB));
        wrongKek.Should().Throw<SettingsException>().WithMessage($"*encrypted with key-encryption key {needed}*configured Rules:KeyEncryptionKey is {Encryption(KekB).CurrentKeyId}*");

        var signing = () => Signing(Encryption(KekB));
        signing.Should().Throw<SettingsException>();
        Rows("SELECT private_key FROM signing_keys").Should().OnlyContain(v => v.StartsWith("kek1:" + needed + ":"), "a failed start rewrites nothing");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Plaintext_keys_are_encrypted_on_start_and_stay_the_same_keys(string kind)
    {
        _store = TestStore.Create(kind);
        var before = Signing(KeyEncryption.None);
        var payload = Protector(KeyEncryption.None).Protect("cookie");
        Rows("SELECT private_key FROM signing_keys").Should().OnlyContain(v => v.Contains("PRIVATE KEY"), "no KEK: stored as they are");

        KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekA)).Should().Be(2);
        KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekA)).Should().Be(0, "a second start has nothing left to rewrite");

        Rows("SELECT private_key FROM signing_keys").Concat(Rows("SELECT xml FROM data_protection_keys")).Should().OnlyContain(v => v.StartsWith("kek1:"));
        Signing(Encryption(KekA)).Key.Rsa.ExportPkcs8PrivateKeyPem().Should().Be(before.Key.Rsa.ExportPkcs8PrivateKeyPem(), "tokens signed before stay valid");
        Protector(Encryption(KekA)).Unprotect(payload).Should().Be("cookie", "cookies and CSRF tokens issued before stay valid");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Rotating_the_kek_re_encrypts_every_key_under_the_new_one(string kind)
    {
        _store = TestStore.Create(kind);
        var keyId = Signing(Encryption(KekA)).KeyId;
        var payload = Protector(Encryption(KekA)).Protect("session");

        KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekB, previous: KekA)).Should().Be(2);

        Rows("SELECT private_key FROM signing_keys").Concat(Rows("SELECT xml FROM data_protection_keys"))
            .Should().OnlyContain(v => v.StartsWith("kek1:" + Encryption(KekB).CurrentKeyId + ":"));
        Signing(Encryption(KekB)).KeyId.Should().Be(keyId);
        Protector(Encryption(KekB)).Unprotect(payload).Should().Be("session");
        var oldKek = () => KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekA));
        oldKek.Should().Throw<SettingsException>("the old key no longer opens the store");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_key_copied_into_another_row_does_not_decrypt(string kind)
    {
        _store = TestStore.Create(kind);
        var keys = Signing(Encryption(KekA));
        keys.Rotate(Rules.Host.Audit.ChangeActor.Client("test-client"));
        using (var connection = _store.Database.Open())
        {
            // The retired key's ciphertext under the current key's kid: same KEK, wrong slot.
            connection.Execute("""
                UPDATE signing_keys SET private_key = (SELECT private_key FROM signing_keys WHERE retired_at IS NOT NULL)
                WHERE retired_at IS NULL
                """);
        }

        var start = () => KeysAtRest.Migrate(_store.OpenAnother(), Encryption(KekA));
        start.Should().Throw<SettingsException>().WithMessage("*signing_keys/*does not decrypt*");
    }

    [Theory]
    [InlineData("not base64!", "is not base64")]
    [InlineData("c2hvcnQ=", "is 5 bytes")]
    public void A_kek_that_is_not_32_bytes_of_base64_is_refused(string kek, string message)
    {
        var read = () => KeyEncryption.From(new RulesHostOptions { KeyEncryptionKey = kek });
        read.Should().Throw<SettingsException>().WithMessage($"*Rules:KeyEncryptionKey {message}*32 random bytes*");
    }

    [Fact]
    public async Task A_server_without_a_kek_serves_and_says_degraded_keys_unencrypted()
    {
        using var host = new HostHarness();
        var ready = (await host.Client.GetFromJsonAsync<JsonObject>("/readyz"))!;
        ready["status"]!.GetValue<string>().Should().Be("degraded");
        ready["keys"]!.GetValue<string>().Should().StartWith("keys unencrypted");
        (await host.TokensAsync()).Should().ContainKey("access_token", "it keeps working");
    }

    [Fact]
    public async Task A_server_with_a_kek_encrypts_the_keys_it_started_with_and_is_ready()
    {
        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:KeyEncryptionKey"] = KekA });
        var ready = (await host.Client.GetFromJsonAsync<JsonObject>("/readyz"))!;
        ready["status"]!.GetValue<string>().Should().Be("ready");
        ready["keys"]!.GetValue<string>().Should().Be("encrypted");
        (await host.TokensAsync()).Should().ContainKey("id_token");
        host.Scalar<string>("SELECT private_key FROM signing_keys WHERE retired_at IS NULL").Should().StartWith("kek1:");
        host.Scalar<long>("SELECT COUNT(*) FROM data_protection_keys WHERE xml NOT LIKE 'kek1:%'").Should().Be(0);
    }

    [Fact]
    public async Task Serve_with_the_wrong_kek_fails_clearly_before_serving()
    {
        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        using (var database = new SqliteDatabase(Path.Combine(data, "rules.db")))
        {
            database.Migrate();
            new SigningKeys(database, Options(), _clock, NullLogger<SigningKeys>.Instance, Encryption(KekA));
        }

        var run = await Cli.CliRun.RunAsync("serve", "--data", data, "--urls", "http://127.0.0.1:0",
            "--seed", Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "tenant.json"), $"--Rules:KeyEncryptionKey={KekB}");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain($"encrypted with key-encryption key {Encryption(KekA).CurrentKeyId}")
            .And.Contain($"Rules:KeyEncryptionKey is {Encryption(KekB).CurrentKeyId}").And.NotContain(KekA).And.NotContain(KekB);
    }

    private static KeyEncryption Encryption(string kek, string? previous = null) =>
        KeyEncryption.From(new RulesHostOptions { KeyEncryptionKey = kek, PreviousKeyEncryptionKey = previous });

    // Each call opens the store through its own handle, as another instance (or a restart) would.
    private SigningKeys Signing(KeyEncryption encryption) => new(_store!.OpenAnother(), Options(), _clock, NullLogger<SigningKeys>.Instance, encryption);

    private IOptions<RulesHostOptions> Options() => Microsoft.Extensions.Options.Options.Create(new RulesHostOptions { DataDirectory = _directory });

    private IDataProtector Protector(KeyEncryption encryption)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("rules");
        var database = _store!.OpenAnother();
        services.Configure<KeyManagementOptions>(keys => keys.XmlRepository = new DatabaseXmlRepository(database, encryption));
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
    }

    private List<string> Rows(string sql)
    {
        using var connection = _store!.Database.Open();
        return connection.Query<string>(sql).ToList();
    }

    private static string MiddleOf(string pem)
    {
        var body = string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----")).Select(l => l.Trim()));
        return body.Substring(body.Length / 2, 32);
    }
}

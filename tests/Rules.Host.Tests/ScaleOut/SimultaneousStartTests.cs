using Dapper;
using Rules.Host.Tests.Faults;
using Rules.Host.Tests.Storage;

namespace Rules.Host.Tests.ScaleOut;

/// <summary>
/// Two `rules serve` processes started at the same moment on one empty PostgreSQL: the schema is migrated once, the
/// tenant seeded once, and there is one signing key and one Data Protection key, which both instances use.
/// </summary>
public sealed class SimultaneousStartTests
{
    [Fact]
    public async Task Instances_starting_together_on_an_empty_store_create_everything_once()
    {
        using var store = TestStore.Create(TestStore.Postgres);
        using (var connection = store.Database.Open())
        {
            // TestStore migrates; start from a truly empty schema, as a new deployment would.
            connection.Execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;".Replace("public", CurrentSchema(connection)));
        }
        using var first = new RulesServerProcess(store.ConnectionString, RulesServerProcess.RulesFrom.Store, "--Rules:Issuer=http://rules.example.test/");
        using var second = new RulesServerProcess(store.ConnectionString, RulesServerProcess.RulesFrom.Store, "--Rules:Issuer=http://rules.example.test/");

        await Task.WhenAll(first.StartAsync(TimeSpan.FromSeconds(90)), second.StartAsync(TimeSpan.FromSeconds(90)));

        using var check = store.Database.Open();
        check.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version").Should().Be(PostgresMigrationsLatest(), "each schema version applied once");
        check.ExecuteScalar<long>("SELECT COUNT(*) FROM clients").Should().Be(5, "the sample tenant was seeded once");
        check.ExecuteScalar<long>("SELECT COUNT(*) FROM signing_keys").Should().Be(1, "one signing key for both");
        check.ExecuteScalar<long>("SELECT COUNT(*) FROM data_protection_keys").Should().Be(1, "one Data Protection key for both");
        using var http = new HttpClient();
        var jwks = await Task.WhenAll(http.GetStringAsync(new Uri(first.BaseUri, "/.well-known/jwks.json")), http.GetStringAsync(new Uri(second.BaseUri, "/.well-known/jwks.json")));
        jwks[0].Should().Be(jwks[1]);
    }

    private static string CurrentSchema(System.Data.IDbConnection connection) => connection.ExecuteScalar<string>("SELECT current_schema()")!;

    private static long PostgresMigrationsLatest() => Rules.Host.Storage.PostgresMigrations.All.Count;
}

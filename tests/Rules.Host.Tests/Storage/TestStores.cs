using Npgsql;
using Rules.Host.Storage;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// Fresh, migrated stores for tests: a SQLite file in a temporary directory, or a private schema in the PostgreSQL that
/// <c>bash tests/run</c> starts (tests/postgres; its connection string arrives in RULES_TEST_POSTGRES). Each store is
/// dropped when disposed.
/// </summary>
public sealed class TestStore : IDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>The store kinds every parameterised store test runs against.</summary>
    public static TheoryData<string> Kinds => new() { Sqlite, Postgres };

    private readonly Action _drop;

    private TestStore(string kind, string connectionString, Action drop, bool migrate = true)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _drop = drop;
        Database = Database.Create(connectionString);
        if (migrate)
        {
            Database.Migrate();
        }
    }

    public string Kind { get; }

    /// <summary>What <c>rules serve --database</c> takes to use this same store.</summary>
    public string ConnectionString { get; }

    public Database Database { get; }

    /// <summary>Another handle on the same store, as a second instance would open it.</summary>
    public Database OpenAnother() => Database.Create(ConnectionString);

    public static TestStore Create(string kind) => kind switch
    {
        Sqlite => CreateSqlite(),
        Postgres => CreatePostgres(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgres"),
    };

    /// <summary>A store left empty (no schema), for tests that migrate it step by step, as an older server would have.</summary>
    public static TestStore CreateUnmigrated(string kind) => kind switch
    {
        Sqlite => CreateSqlite(migrate: false),
        Postgres => CreatePostgres(migrate: false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgres"),
    };

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("RULES_TEST_POSTGRES") is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException(
                "These tests need PostgreSQL: run them with `bash tests/run`, which starts a private server (tests/postgres), "
                + "or set RULES_TEST_POSTGRES to a connection string for a database the tests may create schemas in.");

    private static TestStore CreateSqlite(bool migrate = true)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rules-store-tests", Guid.NewGuid().ToString("N"));
        return new TestStore(Sqlite, Path.Combine(directory, "rules.db"), () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }, migrate);
    }

    private static TestStore CreatePostgres(bool migrate = true)
    {
        var server = PostgresServer;
        var schema = "t_" + Guid.NewGuid().ToString("N")[..20];
        Run(server, $"CREATE SCHEMA {schema}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        return new TestStore(Postgres, connectionString, () => Run(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE"), migrate);
    }

    private static void Run(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Database.Dispose();
        _drop();
    }
}

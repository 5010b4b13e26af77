using System.Data;
using System.Data.Common;
using Npgsql;

namespace Rules.Host.Storage;

/// <summary>
/// A PostgreSQL server shared by several instances (Npgsql). Transactions are READ COMMITTED, so the single-use
/// statements (<c>UPDATE … WHERE consumed_at IS NULL RETURNING</c>) give exactly one winner across instances; an
/// exclusive write also takes a transaction-scoped advisory lock, the cross-instance form of SQLite's single writer.
/// Schema versions are recorded in <c>schema_version</c> and applied under a session advisory lock, so instances
/// starting together migrate once.
/// </summary>
public sealed class PostgresDatabase : Database
{
    // Arbitrary constants naming this application's advisory locks (pg_advisory_lock takes a bigint).
    private const long MigrationLock = 0x52554C45_5301;
    private const long ExclusiveWriteLock = 0x52554C45_5302;
    private const long StartUpLock = 0x52554C45_5303;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _location;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(FromUrl(connectionString));
        _location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>True for a connection string with Host= (or Server=), or a postgres:// / postgresql:// URL.</summary>
    public static bool Recognises(string value)
    {
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            return builder.ContainsKey("Host") || builder.ContainsKey("Server");
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public override string Engine => "PostgreSQL";

    public override string Location => _location;

    public override SqlDialect Sql => SqlDialect.Postgres;

    public override DbConnection Open() => _dataSource.OpenConnection();

    public override DbTransaction BeginWrite(DbConnection connection, bool exclusive = false)
    {
        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        if (exclusive)
        {
            Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({ExclusiveWriteLock})");
        }
        return transaction;
    }

    public override DbTransaction BeginSnapshot(DbConnection connection) => connection.BeginTransaction(IsolationLevel.RepeatableRead);

    public override void RunExclusively(Action work) => WithSessionLock(StartUpLock, _ => work());

    public override void Migrate() => WithSessionLock(MigrationLock, connection =>
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        var current = CurrentVersion(connection);
        foreach (var (version, sql) in PostgresMigrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            // DDL is transactional in PostgreSQL: a version is applied whole or not at all.
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, sql);
            MigrationSteps.After(version, connection, transaction);
            Execute(connection, transaction, $"INSERT INTO schema_version(version) VALUES ({version})");
            transaction.Commit();
        }
    });

    public override long KnownSchemaVersion { get; } = PostgresMigrations.All.Max(m => m.Version);

    public override long SchemaVersion()
    {
        using var connection = Open();
        return CurrentVersion(connection);
    }

    public override void Dispose() => _dataSource.Dispose();

    /// <summary>Runs <paramref name="work"/> on a connection holding the session advisory lock <paramref name="key"/>, across instances.</summary>
    private void WithSessionLock(long key, Action<DbConnection> work)
    {
        using var connection = Open();
        Execute(connection, null, $"SELECT pg_advisory_lock({key})");
        try
        {
            work(connection);
        }
        finally
        {
            Execute(connection, null, $"SELECT pg_advisory_unlock({key})");
        }
    }

    private static long CurrentVersion(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        try
        {
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>postgres://user:password@host:port/database?sslmode=require → Npgsql keywords; anything else unchanged.</summary>
    private static string FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("postgres" or "postgresql"))
        {
            return value;
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Database = url.AbsolutePath.TrimStart('/') };
        if (url.Port > 0)
        {
            builder.Port = url.Port;
        }
        if (url.UserInfo.Split(':', 2) is [var user, ..] userInfo && user.Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user);
            if (userInfo.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(userInfo[1]);
            }
        }
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(parts[0])] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "";
        }
        return builder.ConnectionString;
    }
}

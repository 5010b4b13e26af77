using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Rules.Host.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (foreign keys on, busy timeout). Writers are serialised by
/// SQLite itself (every write transaction is IMMEDIATE). Schema versions are recorded in PRAGMA user_version, so
/// an older file is upgraded in place and never half-migrated.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    public SqliteDatabase(string connectionStringOrPath)
    {
        var builder = connectionStringOrPath.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connectionStringOrPath)
            : new SqliteConnectionStringBuilder { DataSource = connectionStringOrPath };
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Cache = SqliteCacheMode.Private;
        builder.Pooling = true;
        builder.DefaultTimeout = 30;
        Path = builder.DataSource;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        _connectionString = builder.ToString();
    }

    public string Path { get; }

    public override string Engine => "SQLite";

    public override string Location => System.IO.Path.GetFullPath(Path);

    public override SqlDialect Sql => SqlDialect.Sqlite;

    /// <summary>The settings every connection runs with. They belong to the physical connection and last as long as it does.</summary>
    private const string ConnectionPragmas = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";

    /// <summary>
    /// While <see cref="SqliteWalCheckpointer"/> checkpoints: a connection that commits copies the WAL into the database
    /// itself only when the WAL reaches this many pages (about 40 MB; SQLite's default is 1000), as a safety net.
    /// </summary>
    public const int SafetyNetAutoCheckpointPages = 10_000;

    private const string BackgroundCheckpointPragmas = ConnectionPragmas + " PRAGMA wal_autocheckpoint = 10000;";

    // The physical connections (SQLite handles) and the settings they already run with. Static, as the pool is: it is
    // process-wide per connection string and hands the same handle out again and again; a handle it closes drops out of
    // this table when it is collected.
    private static readonly ConditionalWeakTable<sqlite3, string> Configured = new();

    private string _pragmas = ConnectionPragmas;

    public override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // Once per physical connection (and again only if the settings changed), not on every checkout: the three
        // PRAGMAs were 57 of the 98 statements of an impersonation flow. Nothing sets them back, so a pooled handle keeps them.
        var handle = connection.Handle!;
        var pragmas = Volatile.Read(ref _pragmas);
        if (!Configured.TryGetValue(handle, out var applied) || !ReferenceEquals(applied, pragmas))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = pragmas;
            pragma.ExecuteNonQuery();
            Configured.AddOrUpdate(handle, pragmas);
        }
        return connection;
    }

    /// <summary>
    /// From now on <see cref="Checkpoint"/> is called regularly (by <see cref="SqliteWalCheckpointer"/>): connections
    /// leave copying the WAL into the database to it, so the commit that fills the WAL does not pay for the copy and its
    /// fsyncs inside a request.
    /// </summary>
    public void CheckpointInBackground() => Volatile.Write(ref _pragmas, BackgroundCheckpointPragmas);

    /// <summary>
    /// Copies what the WAL holds into the database file and fsyncs both, when there is anything new. The bulk is copied
    /// alongside the writers (a PASSIVE checkpoint waits for no one); then, in the write turn, the few pages committed
    /// meanwhile, so the WAL is wholly in the database and the next writer starts it over from its beginning. Without
    /// that second pass the WAL, always a little ahead of the checkpoint under load, never restarts and grows.
    /// Returns the WAL's pages and how many of them are in the database, after the last pass.
    /// </summary>
    public (long WalPages, long CheckpointedPages) Checkpoint()
    {
        using var connection = Open();
        var bulk = PassiveCheckpoint(connection);
        if (bulk.WalPages == 0)
        {
            return bulk;
        }
        using var turn = WaitForWriteTurn();
        return PassiveCheckpoint(connection);
    }

    private static (long WalPages, long CheckpointedPages) PassiveCheckpoint(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(1), reader.GetInt64(2));
    }

    // This process's write transactions, one at a time. SQLite has one writer per file anyway; a writer that finds the
    // file locked waits in SQLite's busy handler, which sleeps 1, 2, 5, 10 ... ms between tries while the lock, held
    // for a fraction of a millisecond, is mostly free: with four clients the server did fewer flows a second than with
    // one. Here the next writer starts the moment the last one commits. Other processes on the file (the CLI) still
    // meet the busy timeout.
    private readonly SemaphoreSlim _writeTurn = new(1, 1);

    protected override IDisposable? WaitForWriteTurn()
    {
        // As long as the busy timeout: a writer that waits longer fails as SQLite's own "database is locked" would.
        if (!_writeTurn.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new SqliteException("database is locked: another write transaction of this process held it for 30 s", 5);
        }
        return new WriteTurn(_writeTurn);
    }

    private sealed class WriteTurn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                turn.Release();
            }
        }
    }

    // IMMEDIATE takes the write lock up front, so a transaction that read something never finds it changed when it writes.
    public override DbTransaction BeginWrite(DbConnection connection, bool exclusive = false) =>
        ((SqliteConnection)connection).BeginTransaction(deferred: false);

    // A deferred transaction in WAL mode reads one snapshot from its first read on.
    public override DbTransaction BeginSnapshot(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true);

    /// <summary>
    /// Serialised with any other process (or handle) on the same file by an exclusive lock on <c>rules.db.start-up.lock</c>
    /// beside it: a transaction cannot do it, because the work writes through connections of its own.
    /// </summary>
    public override void RunExclusively(Action work)
    {
        var lockPath = Path + ".start-up.lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        FileStream? held = null;
        while (held is null)
        {
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(50);
            }
        }
        using (held)
        {
            work();
        }
    }

    public override void Migrate()
    {
        using var connection = Open();
        Execute(connection, null, "PRAGMA journal_mode = WAL;");
        foreach (var (version, sql) in SqliteMigrations.All.OrderBy(m => m.Version))
        {
            // IMMEDIATE: two processes starting on one file at once apply each version once.
            using var transaction = BeginWrite(connection);
            if (UserVersion(connection, transaction) < version)
            {
                Execute(connection, transaction, sql + $"\nPRAGMA user_version = {version};");
                MigrationSteps.After(version, connection, transaction);
            }
            transaction.Commit();
        }
    }

    public override long KnownSchemaVersion { get; } = SqliteMigrations.All.Max(m => m.Version);

    public override long SchemaVersion()
    {
        using var connection = Open();
        return UserVersion(connection, null);
    }

    private static long UserVersion(DbConnection connection, DbTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

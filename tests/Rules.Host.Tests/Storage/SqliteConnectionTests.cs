using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Rules.Host.Storage;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// The embedded store sets its per-connection PRAGMAs once per physical connection, not on every checkout from the
/// pool: every connection it hands out must still run with them, however it came out of the pool.
/// </summary>
public sealed class SqliteConnectionTests
{
    [Fact]
    public void Every_connection_the_store_hands_out_runs_with_its_settings()
    {
        using var store = TestStore.Create(TestStore.Sqlite);
        var database = store.Database;

        // Several at once: each is a physical connection of its own.
        var concurrent = Enumerable.Range(0, 4).Select(_ => database.Open()).ToList();
        concurrent.Should().AllSatisfy(ShouldRunWithTheStoreSettings);
        concurrent.ForEach(c => c.Dispose());

        // Again, now from the pool.
        for (var i = 0; i < 8; i++)
        {
            using var pooled = database.Open();
            ShouldRunWithTheStoreSettings(pooled);
        }

        // After the pool dropped its connections: new physical connections, new handles.
        SqliteConnection.ClearAllPools();
        using var fresh = database.Open();
        ShouldRunWithTheStoreSettings(fresh);

        // Another handle on the same file (a second instance, or a command-line verb) shares the pool.
        using var other = store.OpenAnother();
        using var fromOther = other.Open();
        ShouldRunWithTheStoreSettings(fromOther);
    }

    [Fact]
    public void Foreign_keys_are_enforced_on_a_connection_reused_from_the_pool()
    {
        using var store = TestStore.Create(TestStore.Sqlite);
        using (store.Database.Open())
        {
        }

        using var reused = store.Database.Open();
        var insert = () => reused.Execute("INSERT INTO user_roles(user_id, role_id) VALUES ('auth0|nobody', 'rol_missing')");

        insert.Should().Throw<SqliteException>().Which.SqliteErrorCode.Should().Be(19, "SQLITE_CONSTRAINT: the role does not exist");
    }

    [Fact]
    public void A_commit_copies_a_full_wal_into_the_database_itself_unless_checkpoints_run_in_the_background()
    {
        // SQLite's default: the commit that takes the WAL past 1000 pages checkpoints it, so the database file grows at once.
        using var inline = TestStore.Create(TestStore.Sqlite);
        var inlineGrowth = DatabaseFileGrowth(inline, () => WriteAboutPages(inline.Database, 1500));
        inlineGrowth.Should().BeGreaterThan(1000 * 4096L);

        using var background = TestStore.Create(TestStore.Sqlite);
        var sqlite = (SqliteDatabase)background.Database;
        sqlite.CheckpointInBackground();
        using (var connection = sqlite.Open())
        {
            connection.ExecuteScalar<long>("PRAGMA wal_autocheckpoint").Should().Be(SqliteDatabase.SafetyNetAutoCheckpointPages);
        }

        DatabaseFileGrowth(background, () => WriteAboutPages(sqlite, 1500)).Should().BeLessThan(100 * 4096L, "the commit left the copy to the checkpointer");
        var (walPages, checkpointed) = (0L, 0L);
        DatabaseFileGrowth(background, () => (walPages, checkpointed) = sqlite.Checkpoint()).Should().BeGreaterThan(1000 * 4096L);
        checkpointed.Should().Be(walPages, "no reader held an older snapshot").And.BeGreaterThan(1000);
        using (var reader = sqlite.Open())
        {
            reader.ExecuteScalar<long>("SELECT COUNT(*) FROM filler").Should().Be(1500);
        }

        // The checkpoint left the WAL complete, so the next writer started it over: it holds only the new pages.
        WriteAboutPages(sqlite, 10);
        sqlite.Checkpoint().WalPages.Should().BeLessThan(100);
    }

    [Fact]
    public async Task The_server_checkpoints_its_sqlite_store_in_the_background()
    {
        using var host = new Http.HostHarness();
        if (host.Service<Rules.Host.Storage.Database>() is not SqliteDatabase sqlite)
        {
            return; // RULES_TEST_STORE=postgres: nothing to checkpoint
        }
        await host.Client.GetAsync("/readyz");

        using var connection = sqlite.Open();
        connection.ExecuteScalar<long>("PRAGMA wal_autocheckpoint").Should().Be(SqliteDatabase.SafetyNetAutoCheckpointPages,
            "a serving instance leaves checkpoints to SqliteWalCheckpointer");
    }

    [Fact]
    public void Write_transactions_of_one_store_take_turns_and_a_failed_one_gives_up_its_turn()
    {
        using var store = TestStore.Create(TestStore.Sqlite);
        var database = store.Database;
        using (var connection = database.Open())
        {
            connection.Execute("CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)");
        }

        var failing = () => database.InTransaction<int>((_, _) => throw new InvalidOperationException("refused"));
        failing.Should().Throw<InvalidOperationException>();

        var inside = 0;
        var most = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => database.InTransaction((connection, transaction) =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            // A read then a write: only correct if no other transaction of the store runs in between.
            var n = connection.ExecuteScalar<long>("SELECT n FROM counter", transaction: transaction);
            Thread.Sleep(2);
            connection.Execute("UPDATE counter SET n = @n", new { n = n + 1 }, transaction);
            Interlocked.Decrement(ref inside);
            return 0;
        }));

        most.Should().Be(1);
        using var reader = database.Open();
        reader.ExecuteScalar<long>("SELECT n FROM counter").Should().Be(16, "every writer committed, the failed one's turn was given back");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static long DatabaseFileGrowth(TestStore store, Action work)
    {
        var path = ((SqliteDatabase)store.Database).Path;
        var before = new FileInfo(path).Length;
        work();
        return new FileInfo(path).Length - before;
    }

    /// <summary>One transaction of about <paramref name="pages"/> new 4 KB pages (one 3 KB blob each).</summary>
    private static void WriteAboutPages(Rules.Host.Storage.Database database, int pages)
    {
        using (var connection = database.Open())
        {
            connection.Execute("CREATE TABLE IF NOT EXISTS filler (x BLOB)");
        }
        database.InTransaction((connection, transaction) =>
            connection.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @pages) INSERT INTO filler SELECT randomblob(3000) FROM n",
                new { pages }, transaction));
    }

    private static void ShouldRunWithTheStoreSettings(DbConnection connection)
    {
        connection.ExecuteScalar<long>("PRAGMA foreign_keys").Should().Be(1);
        connection.ExecuteScalar<long>("PRAGMA busy_timeout").Should().Be(30000);
        connection.ExecuteScalar<long>("PRAGMA synchronous").Should().Be(1, "NORMAL");
        connection.ExecuteScalar<string>("PRAGMA journal_mode").Should().Be("wal");
    }
}

using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

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

    private static void ShouldRunWithTheStoreSettings(DbConnection connection)
    {
        connection.ExecuteScalar<long>("PRAGMA foreign_keys").Should().Be(1);
        connection.ExecuteScalar<long>("PRAGMA busy_timeout").Should().Be(30000);
        connection.ExecuteScalar<long>("PRAGMA synchronous").Should().Be(1, "NORMAL");
        connection.ExecuteScalar<string>("PRAGMA journal_mode").Should().Be("wal");
    }
}

using System.Data;
using System.Data.Common;

namespace Rules.Host.Storage;

/// <summary>
/// The store every feature reads and writes through: the embedded SQLite file (the default) or a shared PostgreSQL
/// server (several instances behind a load balancer). Features use Dapper on the connections it opens and the few
/// SQL forms the two engines spell differently come from <see cref="Sql"/>. The schema is created and migrated at
/// start-up by <see cref="Migrate"/>, versioned in the same numbered steps for both.
/// </summary>
public abstract class Database : IDisposable
{
    /// <summary>
    /// The store a connection string names: <c>Host=…</c> (Npgsql keywords) or a <c>postgres://</c> URL is PostgreSQL;
    /// <c>Data Source=…</c> or a plain file path is SQLite.
    /// </summary>
    public static Database Create(string connectionStringOrPath) =>
        PostgresDatabase.Recognises(connectionStringOrPath)
            ? new PostgresDatabase(connectionStringOrPath)
            : new SqliteDatabase(connectionStringOrPath);

    /// <summary>"SQLite" or "PostgreSQL".</summary>
    public abstract string Engine { get; }

    /// <summary>Where the data lives, without credentials: a file path, or host:port/database.</summary>
    public abstract string Location { get; }

    public abstract SqlDialect Sql { get; }

    public abstract DbConnection Open();

    /// <summary>Begins a transaction for writes on <paramref name="connection"/>.</summary>
    /// <param name="exclusive">
    /// Serialise with every other exclusive writer, across instances too: for read-check-write changes (the rule set,
    /// a user's unique email, seeding) that must not interleave. SQLite's writers are always serialised.
    /// </param>
    public abstract DbTransaction BeginWrite(DbConnection connection, bool exclusive = false);

    /// <summary>Begins a read-only transaction that sees one consistent state of every table it reads.</summary>
    public abstract DbTransaction BeginSnapshot(DbConnection connection);

    /// <summary>Creates the schema in an empty store or brings an older one up to date; safe when several instances start at once.</summary>
    public abstract void Migrate();

    /// <summary>The schema version the store is at (the number of the last migration applied).</summary>
    public abstract long SchemaVersion();

    /// <summary>The newest schema version this build's migrations know.</summary>
    public abstract long KnownSchemaVersion { get; }

    /// <summary>
    /// Refuses a store that a newer build has migrated: this build would write rows the newer schema does not expect
    /// (before version 5, audit entries outside the chain), so an instance left on an older version after an upgrade
    /// must not start on it.
    /// </summary>
    public void RefuseNewerSchema()
    {
        var stored = SchemaVersion();
        if (stored > KnownSchemaVersion)
        {
            throw new SchemaTooNewException(
                $"the store ({Engine}, {Location}) is at schema version {stored}, which a newer version of rules serve migrated; this one knows versions up to {KnownSchemaVersion}. Upgrade this instance (every instance on one store runs the same version)");
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while no other instance runs its own: for start-up steps that create shared state
    /// through connections of their own, so a transaction cannot serialise them.
    /// </summary>
    public abstract void RunExclusively(Action work);

    /// <summary>Runs <paramref name="work"/> in one write transaction: all of it is written, or none.</summary>
    public T InTransaction<T>(Func<DbConnection, IDbTransaction, T> work, bool exclusive = false)
    {
        using var turn = WaitForWriteTurn();
        using var connection = Open();
        using var transaction = BeginWrite(connection, exclusive);
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>
    /// Held around each of <see cref="InTransaction"/>'s transactions: a store whose writers are serialised anyway
    /// (SQLite) queues this process's writers here rather than in the engine's lock. Null: no turn to wait for.
    /// </summary>
    protected virtual IDisposable? WaitForWriteTurn() => null;

    /// <summary>Runs <paramref name="work"/> in one write transaction that stores write through (<see cref="Writes"/>).</summary>
    public void Write(Action<Writes> work) => InTransaction((connection, transaction) =>
    {
        work(new Writes(connection, transaction));
        return 0;
    });

    /// <summary>Runs <paramref name="read"/> against one consistent state of the store.</summary>
    public T InSnapshot<T>(Func<DbConnection, IDbTransaction, T> read)
    {
        using var connection = Open();
        using var transaction = BeginSnapshot(connection);
        var result = read(connection, transaction);
        transaction.Commit();
        return result;
    }

    public override string ToString() => $"{Engine} {Location}";

    /// <summary>Runs one statement that returns nothing: the engines' own schema and lock statements, outside Dapper.</summary>
    protected static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public virtual void Dispose()
    {
    }
}

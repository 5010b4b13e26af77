namespace Rules.Host.Storage;

/// <summary>
/// Checkpoints the embedded store's WAL every <see cref="Interval"/> on a thread of its own, instead of leaving it to
/// whichever commit fills the WAL (SQLite's default, every 1000 pages): an impersonation flow writes about 60 WAL pages,
/// so every ~17th flow paid inside its request for copying the WAL into the database and its two fsyncs. A commit is as
/// durable either way: in WAL mode with synchronous=NORMAL it is in the WAL file when the transaction returns (a process
/// crash loses nothing committed), and the fsync that makes it survive a power loss is the checkpoint's; done on a
/// clock, that fsync now comes within about <see cref="Interval"/> of a commit however little traffic there is, where
/// before it waited for the next 1000 pages. Nothing to do for PostgreSQL.
/// </summary>
public sealed class SqliteWalCheckpointer(Database database, ILogger<SqliteWalCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database is not SqliteDatabase sqlite)
        {
            return;
        }
        sqlite.CheckpointInBackground();
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                sqlite.Checkpoint();
            }
            catch (System.Data.Common.DbException e)
            {
                // A checkpoint that could not run is retried on the next tick; commits do not depend on it.
                logger.LogWarning("Could not checkpoint the SQLite WAL: {Message}", e.Message);
            }
        }
    }
}

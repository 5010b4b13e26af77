using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Hosting;

namespace Rules.Host.Storage;

/// <summary>
/// Tells this instance about changes another instance made to shared state that it keeps compiled or cached in
/// memory (the rule set, the signing keys). Triggers bump a counter in <c>revisions</c> in the same transaction as
/// the change, whoever makes it; this polls the counters every <see cref="RulesHostOptions.SharedStatePollInterval"/>
/// (1 s) and calls the subscriber of each one that moved. One indexed read of two rows per interval: cheaper and
/// simpler than a notification channel, and the same on SQLite and PostgreSQL.
/// </summary>
public sealed class RevisionWatcher(Database database, IOptions<RulesHostOptions> options, ILogger<RevisionWatcher> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Seen, Action Changed)> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="changed"/> (on the watcher's thread) whenever the named counter moves from now on.</summary>
    public void Watch(string revision, Action changed)
    {
        var current = Read().GetValueOrDefault(revision);
        lock (_gate)
        {
            _subscribers[revision] = (current, changed);
        }
    }

    /// <summary>Checks the counters once now; the poll loop calls this, and tests that do not want to wait.</summary>
    public void Poll()
    {
        var values = Read();
        List<Action> due = [];
        lock (_gate)
        {
            foreach (var (name, (seen, changed)) in _subscribers.ToArray())
            {
                if (values.TryGetValue(name, out var value) && value != seen)
                {
                    _subscribers[name] = (value, changed);
                    due.Add(changed);
                }
            }
        }
        foreach (var changed in due)
        {
            changed();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SharedStatePollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Poll();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The store being briefly unreachable must not stop the watcher; logins report their own errors.
                logger.LogWarning("Could not check the store for changes from other instances: {Message}", e.Message);
            }
        }
    }

    private Dictionary<string, long> Read()
    {
        using var connection = database.Open();
        return connection.Query<(string Name, long Value)>("SELECT name, value FROM revisions").ToDictionary(r => r.Name, r => r.Value, StringComparer.Ordinal);
    }
}

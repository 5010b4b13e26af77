namespace Rules.Soak;

/// <summary>
/// What tests/soak/run (or benchmarks/scale-out.sh) passes in: where the servers are (one URL, or several sharing one
/// store, spread round-robin or one per client), where their audit trail is (the SQLite data directory of a single
/// server, or the shared PostgreSQL), the process sampled for memory, and how long and how hard to drive them.
/// Warm-up is the first quarter of the run, at most 15 s: memory after it must stay flat.
/// </summary>
/// <param name="Issuer">The public issuer the servers were started with (--Rules:Issuer); the Management API audience
/// is <c>{issuer}api/v2/</c>. Without it each server's own URL is its issuer, as when it runs alone.</param>
/// <param name="HttpUpstreamPort">Start the loopback upstream the server's rule calls (<see cref="SlowUpstream"/>) on
/// 127.0.0.1:PORT before the load; tests/soak/run --http-upstream picks the port and allows it in the rule set's egress.</param>
/// <param name="Sticky">Each client keeps to one server (and its own Management token) instead of sending every request to the next server.</param>
public sealed record SoakOptions(
    IReadOnlyList<Uri> BaseUris, string? DataDirectory, string? Database, int ServerPid, TimeSpan Duration, int Concurrency, double MaxRssGrowthMb,
    Uri? Issuer = null, bool Sticky = false, int? HttpUpstreamPort = null)
{
    /// <summary>The first server: the one whose memory and runtimes are sampled (--pid is its process).</summary>
    public Uri BaseUri => BaseUris[0];

    public TimeSpan WarmUp => TimeSpan.FromSeconds(Math.Min(15, Duration.TotalSeconds / 4));

    /// <summary>The servers as the report names them: the URL alone for one, all of them and how the load is spread for several.</summary>
    public string Servers => BaseUris.Count == 1
        ? BaseUri.ToString()
        : string.Join(" + ", BaseUris) + (Sticky ? " (sticky: each client keeps to one)" : " (round-robin: each request to the next)");

    public const string Usage = "usage: Rules.Soak --url URL[,URL...] --pid PID [--data DIR | --database CONNECTION-STRING] [--issuer URL] [--balance round-robin|sticky]\n" +
                                "                  [--duration SECONDS=60] [--concurrency N=8] [--max-rss-growth-mb MB=64] [--http-upstream PORT]\n" +
                                "  --pid is the first URL's server. The audit check reads --data (one SQLite server) or --database (the shared PostgreSQL);\n" +
                                "  with several URLs and no --database it is skipped.";

    public static SoakOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
            values[args[i][2..]] = args[++i];
        }
        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        double Number(string name, double fallback) => values.TryGetValue(name, out var value)
            ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : fallback;

        var unknown = values.Keys.Except(["url", "data", "database", "pid", "issuer", "balance", "duration", "concurrency", "max-rss-growth-mb", "http-upstream"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option --{unknown[0]}");
        }

        var urls = Required("url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToList();
        if (urls.Count == 0)
        {
            throw new ArgumentException("--url names no server");
        }
        var data = values.GetValueOrDefault("data");
        var database = values.GetValueOrDefault("database");
        if (data is not null && database is not null)
        {
            throw new ArgumentException("--data (SQLite) and --database (PostgreSQL) name two stores; give one");
        }
        if (data is not null && urls.Count > 1)
        {
            throw new ArgumentException("--data is one server's SQLite file; servers that share a store need --database");
        }
        if (data is null && database is null && urls.Count == 1)
        {
            throw new ArgumentException("--data or --database is required");
        }
        var balance = values.GetValueOrDefault("balance", "round-robin");
        if (balance is not ("round-robin" or "sticky"))
        {
            throw new ArgumentException($"--balance is round-robin or sticky, not '{balance}'");
        }
        var issuer = values.TryGetValue("issuer", out var issuerText) ? new Uri(issuerText.EndsWith('/') ? issuerText : issuerText + "/") : null;

        return new SoakOptions(
            urls,
            data,
            database,
            int.Parse(Required("pid"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(Number("duration", 60)),
            (int)Number("concurrency", 8),
            Number("max-rss-growth-mb", 64),
            issuer,
            balance == "sticky",
            values.TryGetValue("http-upstream", out var upstream) ? int.Parse(upstream, System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}

namespace Rules.Soak;

/// <summary>
/// What tests/soak/run passes in: where the server is (URL, data directory, process id) and how long and how hard
/// to drive it. Warm-up is the first quarter of the run, at most 15 s: memory after it must stay flat.
/// </summary>
public sealed record SoakOptions(Uri BaseUri, string DataDirectory, int ServerPid, TimeSpan Duration, int Concurrency, double MaxRssGrowthMb)
{
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Math.Min(15, Duration.TotalSeconds / 4));

    public const string Usage = "usage: Rules.Soak --url URL --data DIR --pid PID [--duration SECONDS=60] [--concurrency N=8] [--max-rss-growth-mb MB=64]";

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

        var unknown = values.Keys.Except(["url", "data", "pid", "duration", "concurrency", "max-rss-growth-mb"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option --{unknown[0]}");
        }
        return new SoakOptions(
            new Uri(Required("url")),
            Required("data"),
            int.Parse(Required("pid"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(Number("duration", 60)),
            (int)Number("concurrency", 8),
            Number("max-rss-growth-mb", 64));
    }
}

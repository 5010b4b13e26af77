using System.Globalization;
using System.Text.RegularExpressions;

namespace Rules.PeerComparison.Reporting;

/// <summary>
/// Turns `dotnet-trace report TRACE topN --inclusive` (sampled thread time of the server under the flow load) into the
/// "where the server's time goes" table: each part's inclusive share of the time spent handling requests.
/// </summary>
public static partial class ServerProfile
{
    private static readonly (string Label, string[] Frames)[] Parts =
    [
        ("All request handling (EndpointMiddleware.Invoke)", ["EndpointMiddleware.Invoke("]),
        ("SQLite: every statement (SqliteCommand.ExecuteReader)", ["SqliteCommand.ExecuteReader("]),
        ("JWT signing (JsonWebTokenHandler.CreateToken)", ["JsonWebTokenHandler.CreateToken("]),
        ("JWT validation (Management token on link creation)", ["JsonWebTokenHandler+<ValidateTokenAsync>", "JsonWebTokenHandler.ValidateSignature("]),
        ("Rule pipeline (RuleRuntime.Run)", ["RuleRuntime.Run("]),
        ("Opening a store connection + its PRAGMAs (Database.Open)", ["Database.Open("]),
        ("A login's records in one transaction (LoginRecorder.Record)", ["LoginRecorder.Record("]),
        ("Audit trail write (AuditLog.Write)", ["AuditLog.Write("]),
        ("Decision log write (DecisionLog.Write)", ["DecisionLog.Write("]),
        ("GET link endpoint (ImpersonationLinkEndpoint.Handle)", ["ImpersonationLinkEndpoint.Handle("]),
        ("POST /oauth/token endpoint (TokenEndpoint.HandleAsync)", ["TokenEndpoint.HandleAsync("]),
        ("POST /users/{id}/impersonate endpoint (ImpersonateEndpoint)", ["ImpersonateEndpoint.HandleAsync(", "ImpersonateEndpoint+<HandleAsync>"]),
    ];

    public static ResultTable Build(string reportText, string traceDescription)
    {
        var inclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Line().Matches(reportText))
        {
            var name = m.Groups[1].Value.Trim();
            var value = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            inclusive[name] = Math.Max(inclusive.GetValueOrDefault(name), value);
        }
        double Share(string[] frames) => frames
            .Select(f => inclusive.Where(p => p.Key.Contains(f, StringComparison.Ordinal)).Select(p => p.Value).DefaultIfEmpty(0).Max())
            .Max();

        var total = Share(Parts[0].Frames);
        var table = new ResultTable("profile", "Where the server's request time goes under the flow load (sampled thread time)", "% of request-handling time (inclusive)", logScale: false)
            .Headers("Part", "% of all sampled thread time", "% of request handling");
        foreach (var (label, frames) in Parts)
        {
            var share = Share(frames);
            if (share < 0.05)
            {
                // A frame the sampler (about 100 Hz per thread) never or hardly caught: too short, or inlined into its caller.
                table.Row(label, "not seen", "not seen (too short to sample, or inlined)");
                continue;
            }
            table.Row(label, $"{share:0.00}%", total > 0 ? $"{share / total * 100:0.0}%" : "—");
            if (total > 0 && share > 0 && !ReferenceEquals(frames, Parts[0].Frames)) table.Bars(label.Split(" (")[0], new ChartBar("% of request handling", share / total * 100));
        }
        table.Notes.Add($"{traceDescription} Inclusive shares nest (the audit write contains SQLite statements; the link endpoint contains the pipeline), so rows do not add up. Idle thread-pool and timer threads make up most of the remaining sampled time.");
        return table;
    }

    [GeneratedRegex(@"^\s*\d+\.\s+(.+?)\s+([\d.]+)%\s+([\d.]+)%\s*$", RegexOptions.Multiline)]
    private static partial Regex Line();
}

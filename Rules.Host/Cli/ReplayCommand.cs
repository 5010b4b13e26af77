using System.CommandLine;
using System.Globalization;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Engine.Replay.Reporting;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules replay --rules CANDIDATE --log FILE</c>: re-runs recorded logins through a candidate rule set and
/// reports every decision that would change. The replay engine and its reporters live in Rules.Engine/Replay.
/// </summary>
public static class ReplayCommand
{
    public sealed record Parameters(
        string Rules,
        string Log,
        string? Against = null,
        string Format = "table",
        string? Report = null,
        string? FailOn = null,
        bool Strict = false,
        int Threads = 0,
        bool IncludeTimings = true,
        bool Progress = false);

    public const string Examples = """
        Examples:
          rules replay --rules Rules.Samples/candidate-rules --log Rules.Samples/logs/recorded-logins.jsonl
          rules replay --rules ./rules-next --log decisions.jsonl --against ./rules --report replay.html
          rules replay --rules ./rules-next --log decisions.jsonl --format junit > replay-junit.xml
          rules replay --rules ./rules-next --log decisions.jsonl --fail-on allow_to_deny,newly_failing
          rules replay --rules ./rules --log Rules.Samples/transactions --against Rules.Samples/rules

        The log is the decision-log JSONL the server exports (GET /api/v2/decision-logs), a transaction .json file,
        or a directory of them (docs/replay.md). Each record runs with its recorded clock, a Math.random seeded from
        the record and a fresh `global`, so results never depend on order or thread count.
        Classes (for --fail-on): allow_to_deny, deny_to_allow, deny_changed, mfa_changed, claims_changed, metadata_changed,
        newly_failing. Exit codes: 0 nothing changed, 1 a record of a --fail-on class changed (default: any),
        2 bad input (unreadable log, a rule set that does not compile, a malformed record with --strict, or a log
        from which no record could be replayed: empty, or every record malformed).
        """;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var rules = new Option<string>("--rules") { Description = "Candidate rules directory (*.js, optionally rules.json) or Auth0 Deploy CLI export", Required = true };
        var log = new Option<string>("--log") { Description = "Decision-log JSONL, a transaction .json file, or a directory of them", Required = true };
        var against = new Option<string?>("--against") { Description = "Baseline rules directory or Deploy CLI export: compare with it instead of the recorded outcomes" };
        var format = new Option<string>("--format") { Description = "Report on stdout: table, json or junit", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "junit");
        var report = new Option<string?>("--report") { Description = "Also write a self-contained HTML report to this file" };
        var failOn = new Option<string?>("--fail-on") { Description = "Comma-separated classes that make the exit code 1 (default: every change)" };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first malformed record (exit 2) instead of counting it" };
        var threads = new Option<int>("--threads") { Description = "Records evaluated in parallel (default: one per core)" };
        var noTimings = new Option<bool>("--no-timings") { Description = "Leave timings and latencies out, so reports diff cleanly" };
        var command = new Command("replay", "Re-run recorded logins through a rule set and report every decision that would change.\n\n" + Examples)
        {
            rules, log, against, format, report, failOn, strict, threads, noTimings,
        };
        command.SetAction(result => Run(
            new Parameters(result.GetValue(rules)!, result.GetValue(log)!, result.GetValue(against), result.GetValue(format)!,
                result.GetValue(report), result.GetValue(failOn), result.GetValue(strict), result.GetValue(threads), !result.GetValue(noTimings),
                Progress: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected),
            output, error));
        return command;
    }

    /// <summary>Checks what the CLI library cannot; returns the error to print, or null.</summary>
    public static string? Validate(Parameters parameters, out IReadOnlySet<ReplayClass> failOn)
    {
        failOn = ReplayClasses.Changes.ToHashSet();
        if (parameters.Format is not ("table" or "json" or "junit"))
        {
            return $"--format must be table, json or junit, not '{parameters.Format}'";
        }
        if (parameters.Threads < 0)
        {
            return $"--threads must be a positive number, not {parameters.Threads.ToString(CultureInfo.InvariantCulture)}";
        }
        if (parameters.FailOn is { } list)
        {
            var classes = new HashSet<ReplayClass>();
            foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!ReplayClasses.TryParse(name, out var value) || value == ReplayClass.Unchanged)
                {
                    return $"--fail-on: unknown class '{name}'; use {string.Join(", ", ReplayClasses.Changes.Select(c => c.Name()))}";
                }
                classes.Add(value);
            }
            failOn = classes;
        }
        return new ReplayLogReader(parameters.Log).Problem() is { } problem ? $"--log: {problem}" : null;
    }

    public static int Run(Parameters parameters, TextWriter output, TextWriter error)
    {
        if (Validate(parameters, out var failOn) is { } problem)
        {
            error.WriteLine($"error: {problem}");
            return ExitCodes.BadInput;
        }

        using var candidate = Compile(parameters.Rules, error);
        if (candidate is null)
        {
            return ExitCodes.BadInput;
        }
        using var baseline = parameters.Against is { } against ? Compile(against, error) : null;
        if (parameters.Against is not null && baseline is null)
        {
            return ExitCodes.BadInput;
        }

        var reader = new ReplayLogReader(parameters.Log);
        var progress = parameters.Progress ? new ProgressLine(error) : null;
        var runner = new ReplayRunner(candidate, baseline, new ReplayOptions
        {
            Threads = parameters.Threads,
            Strict = parameters.Strict,
            Progress = progress is null ? null : progress.Update,
        });

        ReplaySummary summary;
        try
        {
            summary = runner.Run(reader);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progress?.Clear();
            error.WriteLine($"error: cannot read '{parameters.Log}': {e.Message}");
            return ExitCodes.BadInput;
        }
        progress?.Clear();

        IReplayReporter reporter = parameters.Format switch
        {
            "json" => new JsonReplayReporter(parameters.IncludeTimings),
            "junit" => new JUnitReplayReporter(),
            _ => new TableReplayReporter(includeTimings: parameters.IncludeTimings),
        };
        reporter.Write(summary, output);

        foreach (var malformed in summary.MalformedRecords.Take(parameters.Format == "table" ? 0 : 20))
        {
            error.WriteLine($"malformed: {malformed.Source}:{malformed.Line}: {malformed.Message}");
        }

        if (parameters.Report is { } reportPath)
        {
            try
            {
                using var file = new StreamWriter(reportPath);
                new HtmlReplayReporter().Write(summary, file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write the report '{reportPath}': {e.Message}");
                return ExitCodes.BadInput;
            }
        }

        if (summary.StoppedEarly)
        {
            var first = summary.MalformedRecords[0];
            error.WriteLine($"error: {first.Source}:{first.Line}: {first.Message} (--strict stops at the first malformed record)");
            return ExitCodes.BadInput;
        }
        if (summary.Evaluated == 0)
        {
            // "No decision changed" over nothing would turn a CI gate pointed at the wrong file green.
            error.WriteLine(summary.Malformed == 0
                ? $"error: '{parameters.Log}' holds no records, so nothing was replayed (is it the right file?)"
                : $"error: none of the {summary.Malformed} record(s) in '{parameters.Log}' could be replayed: every one is malformed"
                    + (summary.MalformedRecords is [var first, ..] ? $" (the first: {first.Source}:{first.Line}: {first.Message})" : ""));
            return ExitCodes.BadInput;
        }
        return failOn.Any(c => summary.Counts[c] > 0) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static RulePipeline? Compile(string directory, TextWriter error) =>
        RuleSetLoading.CompileOrRefuse(directory, error) is { } compiled ? new RulePipeline(compiled) : null;

    /// <summary>A one-line progress bar with rate and ETA, redrawn in place; only used when stderr is a terminal.</summary>
    private sealed class ProgressLine(TextWriter error)
    {
        private long _lastDrawn;

        public void Update(ReplayProgress progress)
        {
            var now = Environment.TickCount64;
            if (now - _lastDrawn < 200)
            {
                return;
            }
            _lastDrawn = now;
            var rate = progress.Elapsed.TotalSeconds > 0 ? progress.Records / progress.Elapsed.TotalSeconds : 0;
            var eta = progress.Fraction > 0.001 ? TimeSpan.FromSeconds(progress.Elapsed.TotalSeconds * (1 - progress.Fraction) / progress.Fraction) : (TimeSpan?)null;
            const int width = 30;
            var filled = (int)(progress.Fraction * width);
            var c = CultureInfo.InvariantCulture;
            error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {progress.Fraction * 100,5:0.0}%  " +
                $"{progress.Records.ToString("N0", c)} records  {rate.ToString("N0", c)}/s  ETA {(eta is { } e ? e.ToString(@"h\:mm\:ss", c) : "--:--")}   ");
        }

        public void Clear()
        {
            if (_lastDrawn != 0)
            {
                error.Write("\r" + new string(' ', 100) + "\r");
            }
        }
    }
}

using System.Diagnostics.Metrics;
using Rules.Engine.Pipeline;

namespace Rules.Host.Hosting;

/// <summary>
/// The server's metrics, on the System.Diagnostics.Metrics meter <see cref="MeterName"/>: what OpenTelemetry
/// (<c>AddMeter("Rules.Host")</c>) or <c>dotnet-counters monitor --counters Rules.Host</c> reads.
/// <list type="bullet">
/// <item><c>rules.pipeline.duration</c> (ms, histogram): one login's rule pipeline, tagged decision and kind.</item>
/// <item><c>rules.logins</c> (counter): logins decided, tagged decision (allow/deny) and kind (rule_denied, rule_error, timeout, limit).</item>
/// <item><c>rules.ruleset.loads</c> (counter): rule-set loads, tagged result (live, unchanged, refused).</item>
/// <item><c>rules.runtimes.idle</c> (gauge) and <c>rules.runtimes.created</c> (counter): the live version's warm-runtime pool.</item>
/// </list>
/// </summary>
public sealed class RulesMetrics
{
    public const string MeterName = "Rules.Host";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _loads;
    private readonly Meter _meter;

    public RulesMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _duration = _meter.CreateHistogram<double>("rules.pipeline.duration", "ms", "Time the rule pipeline took for one login.");
        _logins = _meter.CreateCounter<long>("rules.logins", "{login}", "Logins the rule pipeline decided, by decision and denial kind.");
        _loads = _meter.CreateCounter<long>("rules.ruleset.loads", "{load}", "Rule-set loads, by result.");
    }

    /// <summary>Publishes the live pipeline's pool; <paramref name="current"/> is read at each collection.</summary>
    public void ObservePool(Func<RulePipeline?> current)
    {
        _meter.CreateObservableGauge("rules.runtimes.idle", () => current()?.IdleRuntimes ?? 0, "{runtime}", "Warm runtimes waiting in the live version's pool.");
        _meter.CreateObservableCounter("rules.runtimes.created", () => current()?.RuntimesCreated ?? 0, "{runtime}", "Runtimes the live version has built (flat in a steady state).");
    }

    public void Decided(Outcome outcome)
    {
        var decision = new KeyValuePair<string, object?>("decision", OutcomeJson.DecisionName(outcome.Decision));
        var kind = new KeyValuePair<string, object?>("kind", outcome.Kind is { } denial ? OutcomeJson.KindName(denial) : "none");
        _logins.Add(1, decision, kind);
        _duration.Record(outcome.Timings.TotalMs, decision, kind);
    }

    public void Loaded(string result) => _loads.Add(1, new KeyValuePair<string, object?>("result", result));
}

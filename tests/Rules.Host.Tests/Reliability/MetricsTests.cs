using System.Diagnostics.Metrics;
using Rules.Host.Hosting;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Reliability;

/// <summary>The Rules.Host meter reports each login's decision and pipeline time, rule-set loads, and the warm-runtime pool.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly HostHarness _host = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = [];

    public MetricsTests()
    {
        // Only this server's meter: other tests' servers run in the same process.
        var scope = _host.Service<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RulesMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }
        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }

    [Fact]
    public async Task Each_login_is_counted_by_decision_and_kind_and_timed()
    {
        await _host.CodeAsync();                                    // allowed
        var denied = await _host.CreateLinkAsync(HostHarness.Sam);  // the sample rules never let anyone impersonate an admin
        await _host.FollowAsync(denied);

        var logins = _measurements.Where(m => m.Instrument == "rules.logins").ToList();
        logins.Should().HaveCount(2);
        logins[0].Tags.Should().Contain("decision", "allow").And.Contain("kind", "none");
        logins[1].Tags.Should().Contain("decision", "deny").And.Contain("kind", "rule_denied");
        _measurements.Where(m => m.Instrument == "rules.pipeline.duration").Should().HaveCount(2).And.OnlyContain(m => m.Value > 0);
    }

    [Fact]
    public void The_pool_is_observable()
    {
        _listener.RecordObservableInstruments();

        _measurements.Should().Contain(m => m.Instrument == "rules.runtimes.idle" && m.Value >= 1, "the live version is warmed before it goes live");
        _measurements.Should().Contain(m => m.Instrument == "rules.runtimes.created" && m.Value >= 1);
    }

    [Fact]
    public void A_refused_rule_set_is_counted()
    {
        _host.Execute("""UPDATE rules SET script = 'function (user, context, callback) {' WHERE "order" = 1""");

        _host.Service<Rules.Host.RuleSets.RuleSetProvider>().Reload();

        _measurements.Should().Contain(m => m.Instrument == "rules.ruleset.loads" && m.Tags["result"] == "refused");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _host.Dispose();
    }
}

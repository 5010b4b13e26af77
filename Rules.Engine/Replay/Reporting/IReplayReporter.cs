namespace Rules.Engine.Replay.Reporting;

/// <summary>Writes a replay's summary in one format: table (people), json (machines), junit (CI), html (a report page).</summary>
public interface IReplayReporter
{
    /// <summary>Writes the whole report for <paramref name="summary"/> to <paramref name="writer"/>.</summary>
    void Write(ReplaySummary summary, TextWriter writer);
}

using System.Globalization;
using System.Xml.Linq;

namespace Rules.Engine.Replay.Reporting;

/// <summary>JUnit XML for CI systems: one failing test case per changed record (and per malformed line), named by the record.</summary>
public sealed class JUnitReplayReporter : IReplayReporter
{
    /// <summary><inheritdoc /></summary>
    public void Write(ReplaySummary summary, TextWriter writer)
    {
        var c = CultureInfo.InvariantCulture;
        var suite = new XElement("testsuite",
            new XAttribute("name", $"rules replay: {summary.CandidateVersion} against {summary.Baseline}"),
            new XAttribute("tests", (summary.Changes.Count + summary.MalformedRecords.Count).ToString(c)),
            new XAttribute("failures", summary.Changes.Count.ToString(c)),
            new XAttribute("errors", summary.MalformedRecords.Count.ToString(c)),
            new XAttribute("time", summary.Elapsed.TotalSeconds.ToString("0.000", c)));

        foreach (var change in summary.Changes)
        {
            using var details = new StringWriter(c);
            TableReplayReporter.WriteChange(details, change);
            suite.Add(new XElement("testcase",
                new XAttribute("classname", $"replay.{change.Class.Name()}"),
                new XAttribute("name", change.Name),
                new XElement("failure",
                    new XAttribute("type", change.Class.Name()),
                    new XAttribute("message", $"{change.Before} → {change.After}"),
                    details.ToString())));
        }
        foreach (var malformed in summary.MalformedRecords)
        {
            suite.Add(new XElement("testcase",
                new XAttribute("classname", "replay.malformed"),
                new XAttribute("name", $"{Path.GetFileName(malformed.Source)}:{malformed.Line}"),
                new XElement("error", new XAttribute("message", malformed.Message))));
        }

        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        writer.WriteLine(document.Declaration);
        writer.WriteLine(document.Root!.ToString());
    }
}

using System.Text.Json.Nodes;
using System.Xml.Linq;
using Rules.Engine.Replay;
using Rules.Engine.Replay.Reporting;

namespace Rules.Engine.Tests.Replay;

public sealed class ReplayReporterTests
{
    private static ReplaySummary Summary() => new()
    {
        CandidateVersion = "cand",
        Baseline = "recorded",
        Evaluated = 3,
        Malformed = 1,
        Counts = ReplayClasses.All.ToDictionary(c => c, c => c switch { ReplayClass.Unchanged => 1L, ReplayClass.AllowToDeny => 1L, ReplayClass.ClaimsChanged => 1L, _ => 0L }),
        Changes =
        [
            new ReplayChange("log.jsonl", 2, "id-<script>", ReplayClass.AllowToDeny, "allow", "deny by 'r' (rule_denied): <b>no</b>", [new FieldChange("decision", "\"allow\"", "\"deny\"")]),
            new ReplayChange("log.jsonl", 3, null, ReplayClass.ClaimsChanged, "allow", "allow", [new FieldChange("idToken.x", null, "1")]),
        ],
        MalformedRecords = [new MalformedRecord("log.jsonl", 4, "not valid JSON")],
        CandidateRules = [new RuleStats("r", 3, 0.1, 0.2, 0.3, 0)],
        BaselineRules = [],
        Elapsed = TimeSpan.FromSeconds(1),
    };

    private static string Render(IReplayReporter reporter)
    {
        using var writer = new StringWriter();
        reporter.Write(Summary(), writer);
        return writer.ToString();
    }

    [Fact]
    public void Json_has_stable_field_names()
    {
        var json = JsonNode.Parse(Render(new JsonReplayReporter()))!.AsObject();
        json.Select(p => p.Key).Should().Equal("candidate", "baseline", "evaluated", "changed", "notCompared", "notReplayable", "malformed", "stoppedEarly",
            "counts", "changes", "changesOmitted", "malformedRecords", "rules", "elapsedMs", "recordsPerSecond");
        json["changed"]!.GetValue<long>().Should().Be(2);
        json["changes"]![0]!.AsObject().Select(p => p.Key).Should().Equal("id", "source", "line", "class", "before", "after", "diff");
        json["changes"]![1]!["diff"]![0]!["before"].Should().BeNull();
        json["rules"]!["candidate"]![0]!["p95Ms"]!.GetValue<double>().Should().Be(0.2);
    }

    [Fact]
    public void Junit_has_one_failing_test_case_per_changed_record()
    {
        var document = XDocument.Parse(Render(new JUnitReplayReporter()));
        var cases = document.Descendants("testcase").ToList();
        cases.Where(c => c.Element("failure") is not null).Select(c => (string)c.Attribute("name")!).Should().Equal("id-<script>", "log.jsonl:3");
        cases.Should().Contain(c => c.Element("error") != null && (string)c.Attribute("name")! == "log.jsonl:4");
    }

    [Fact]
    public void Html_is_one_self_contained_encoded_page_with_charts()
    {
        var html = Render(new HtmlReplayReporter());
        html.Should().StartWith("<!DOCTYPE html>").And.Contain("<svg").And.Contain("id-&lt;script&gt;").And.Contain("&lt;b&gt;no&lt;/b&gt;");
        html.Should().NotContain("<script").And.NotContain("src=").And.NotContain("href=");
    }

    [Fact]
    public void Table_shows_the_counts_and_each_change_with_its_diff()
    {
        var table = Render(new TableReplayReporter());
        table.Should().Contain("allow → deny").And.Contain("id-<script> [allow_to_deny] (log.jsonl:2)")
            .And.Contain("    idToken.x:\n      - (absent)\n      + 1".Replace("\n", Environment.NewLine));
    }
}

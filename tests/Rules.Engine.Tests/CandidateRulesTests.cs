namespace Rules.Engine.Tests;

/// <summary>
/// Rules.Samples/candidate-rules is rules/ with one intended change (the support desk open until 20:00, not 18:00),
/// which the README's replay walk-through measures. A rule set is a directory of its own files, so the candidate holds
/// copies: this pins them, so that an edit to rules/ that is not carried over fails here instead of showing up as
/// unexplained decision changes in the replay.
/// </summary>
public sealed class CandidateRulesTests
{
    private const string ChangedFile = "impersonation-business-hours.js";

    private static readonly string Samples = Path.Combine(SampleRuleSetTests.SampleRuleSet.FindRepositoryRoot(), "Rules.Samples");

    [Fact]
    public void Every_file_but_the_changed_one_is_a_byte_identical_copy_of_rules()
    {
        var rules = Files("rules");
        var candidate = Files("candidate-rules");

        candidate.Should().BeEquivalentTo(rules, "candidate-rules holds the same rule set, minus the test cases");
        foreach (var file in candidate.Where(f => f != ChangedFile))
        {
            File.ReadAllBytes(Path.Combine(Samples, "candidate-rules", file)).Should().Equal(
                File.ReadAllBytes(Path.Combine(Samples, "rules", file)), $"candidate-rules/{file} should be a copy of rules/{file}");
        }
    }

    [Fact]
    public void The_changed_rule_differs_only_in_the_closing_hour()
    {
        var original = File.ReadAllText(Path.Combine(Samples, "rules", ChangedFile));
        var candidate = File.ReadAllText(Path.Combine(Samples, "candidate-rules", ChangedFile));

        // The header, the constant and the refusal text: each replacement must hit exactly once.
        (string From, string To)[] change =
        [
            ("Monday to Friday, 08:00-18:00 desk time.", "Monday to Friday, 08:00-20:00 desk time."),
            ("const CLOSE_HOUR = 18; // 18:00", "const CLOSE_HOUR = 20; // 20:00: the desk's late shift (CANDIDATE: was 18:00)"),
            ("support hours (Monday to Friday, 08:00-18:00).", "support hours (Monday to Friday, 08:00-20:00)."),
        ];
        var expected = original;
        foreach (var (from, to) in change)
        {
            expected.Split(from).Should().HaveCount(2, $"rules/{ChangedFile} should contain \"{from}\" once");
            expected = expected.Replace(from, to, StringComparison.Ordinal);
        }

        candidate.Should().Be(expected);
    }

    private static List<string> Files(string directory) =>
        Directory.GetFiles(Path.Combine(Samples, directory)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToList();
}

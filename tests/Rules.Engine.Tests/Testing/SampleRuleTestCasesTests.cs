using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;
using Rules.Engine.Testing;

namespace Rules.Engine.Tests.Testing;

/// <summary>Rules.Samples/rules/tests: every case passes and together they execute every statement line of every sample rule.</summary>
public sealed class SampleRuleTestCasesTests
{
    [Fact]
    public void Every_sample_case_passes_with_full_line_coverage_of_every_sample_rule()
    {
        var rulesDirectory = Path.Combine(SampleRuleSetTests.SampleRuleSet.SamplesDirectory, "rules");
        var compiled = RuleCompiler.Compile(RuleSetDirectory.Load(rulesDirectory)).Compiled!;
        var cases = TestCaseReader.ReadDirectory(Path.Combine(rulesDirectory, TestCaseReader.DefaultDirectoryName));

        var result = TestRunner.Run(compiled, cases, new TestRunOptions { Coverage = true });

        cases.Should().HaveCountGreaterThan(20);
        result.Cases.Where(c => !c.Passed).Select(c => $"{c.Case.Id}: {string.Join("; ", c.Mismatches)}").Should().BeEmpty();
        result.Coverage!.Rules.Should().HaveCount(compiled.Enabled.Count);
        result.Coverage.Rules.Where(r => r.MissedLines.Count > 0)
            .Select(r => $"{r.Rule}: never reached {string.Join(", ", r.MissedLines)}").Should().BeEmpty();
        result.Coverage.Percent.Should().Be(100);
    }

    [Fact]
    public void The_support_ticket_sample_passes_its_cases_including_the_continue_with_full_coverage()
    {
        var directory = Path.Combine(SampleRuleSetTests.SampleRuleSet.SamplesDirectory, "support-ticket");
        var compiled = RuleCompiler.Compile(RuleSetDirectory.Load(directory)).Compiled!;
        var cases = TestCaseReader.ReadDirectory(Path.Combine(directory, TestCaseReader.DefaultDirectoryName));

        var result = TestRunner.Run(compiled, cases, new TestRunOptions { Coverage = true });

        cases.Should().Contain(c => c.Continue != null);
        result.Cases.Where(c => !c.Passed).Select(c => $"{c.Case.Id}: {string.Join("; ", c.Mismatches)}").Should().BeEmpty();
        result.Coverage!.Percent.Should().Be(100);
    }

    [Fact]
    public void The_sample_transactions_also_run_as_test_cases()
    {
        var samples = SampleRuleSetTests.SampleRuleSet.SamplesDirectory;
        var compiled = RuleCompiler.Compile(RuleSetDirectory.Load(Path.Combine(samples, "rules"))).Compiled!;

        var result = TestRunner.Run(compiled, TestCaseReader.ReadDirectory(Path.Combine(samples, "transactions")));

        result.Cases.Should().HaveCountGreaterThan(10);
        result.AllPassed.Should().BeTrue();
    }
}

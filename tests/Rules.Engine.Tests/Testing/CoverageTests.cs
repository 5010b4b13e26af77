using Rules.Engine.Testing;

namespace Rules.Engine.Tests.Testing;

public sealed class CoverageTests
{
    // Statement lines: 2, 3, 5, 7, 9 (an expression arrow's body), 10, 11, 13; line 12's helper declaration is hoisted, not stepped.
    private const string Rule = """
        function (user, context, callback) {
          if (user.vip) {
            context.idToken['https://example.com/vip'] = true;
          } else {
            context.idToken['https://example.com/vip'] = false;
          }
          var roles = (user.roles || [])
            .map(role =>
              role.toUpperCase());
          var count = helper(roles);
          callback(null, user, context);
          function helper(list) {
            return list.length;
          }
        }
        """;

    [Fact]
    public void Coverage_lists_the_executed_and_never_reached_statement_lines_of_each_rule()
    {
        var cases = TestCaseReader.Parse("""{ "cases": [ { "name": "vip without roles", "user": { "user_id": "u", "vip": true }, "expect": { "decision": "allow" } } ] }""", "t.json");

        var result = TestRunner.Run(TestRunnerTests.Compile(("vip", Rule)), cases, new TestRunOptions { Coverage = true });

        result.AllPassed.Should().BeTrue();
        var coverage = result.Coverage!.Rules.Should().ContainSingle().Which;
        coverage.Rule.Should().Be("vip");
        coverage.ExecutedLines.Should().Equal(2, 3, 7, 10, 11, 13);
        coverage.MissedLines.Should().Equal(5, 9);
        coverage.Percent.Should().Be(75);
    }

    [Fact]
    public void Coverage_adds_up_across_cases_and_reaches_100_percent()
    {
        var cases = TestCaseReader.Parse("""
            { "base": { "user": { "user_id": "u", "roles": ["a"] } },
              "cases": [ { "name": "vip", "user": { "vip": true }, "expect": { "decision": "allow" } },
                         { "name": "regular", "expect": { "decision": "allow" } } ] }
            """, "t.json");

        var result = TestRunner.Run(TestRunnerTests.Compile(("vip", Rule)), cases, new TestRunOptions { Coverage = true });

        result.Coverage!.Rules[0].MissedLines.Should().BeEmpty();
        result.Coverage.Percent.Should().Be(100);
    }

    [Fact]
    public void A_rule_that_a_denial_never_lets_run_is_reported_with_nothing_executed()
    {
        var deny = "function (user, context, callback) {\n  callback('no');\n}";
        var after = "function (user, context, callback) {\n  callback(null, user, context);\n}";
        var cases = TestCaseReader.Parse("""{ "cases": [ { "name": "denied", "user": { "user_id": "u" }, "expect": { "decision": "deny" } } ] }""", "t.json");

        var result = TestRunner.Run(TestRunnerTests.Compile(("first", deny), ("second", after)), cases, new TestRunOptions { Coverage = true });

        result.Coverage!.Rules.Select(r => (r.Rule, r.Percent)).Should().Equal(("first", 100.0), ("second", 0.0));
        result.Coverage.Rules[1].MissedLines.Should().Equal(2);
    }

    [Fact]
    public void Without_coverage_no_report_is_made()
    {
        var cases = TestCaseReader.Parse("""{ "cases": [ { "name": "a", "user": { "user_id": "u" }, "expect": {} } ] }""", "t.json");

        TestRunner.Run(TestRunnerTests.Compile(("vip", Rule)), cases).Coverage.Should().BeNull();
    }
}

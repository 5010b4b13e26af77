using System.Text.RegularExpressions;
using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;
using Rules.Engine.Testing;
using Rules.Engine.Testing.Reporting;

namespace Rules.Engine.Tests.Testing;

public sealed class TestRunnerTests
{
    private const string VipRule = """
        function (user, context, callback) {
          if (user.blocked) {
            return callback(new UnauthorizedError('blocked'));
          }
          context.idToken['https://example.com/vip'] = user.vip === true;
          context.accessToken.scope = ['read'];
          if (user.vip) {
            auth0.users.updateAppMetadata(user.user_id, { seen: true });
          }
          callback(null, user, context);
        }
        """;

    private const string Cases = """
        {
          "base": { "user": { "user_id": "auth0|1" }, "context": { "clientID": "c" } },
          "cases": [
            { "name": "a regular user", "expect": { "decision": "allow", "idToken": { "https://example.com/vip": false, "https://example.com/absent": null }, "accessToken": { "scope": ["read"] }, "metadataUpdates": [] } },
            { "name": "a vip", "user": { "vip": true },
              "expect": { "decision": "allow", "idToken": { "https://example.com/vip": true },
                          "metadataUpdates": [ { "kind": "app_metadata", "user_id": "auth0|1", "metadata": { "seen": true } } ] } },
            { "name": "a blocked user", "user": { "blocked": true },
              "expect": { "decision": "deny", "rule": "vip", "error": "unauthorized", "error_description": "blocked", "kind": "rule_denied" } }
          ]
        }
        """;

    internal static CompiledRuleSet Compile(params (string Name, string Script)[] rules)
    {
        var compilation = RuleCompiler.Compile(new RuleSet(rules.Select(r => new RuleSource(r.Name, r.Name + ".js", r.Script)),
            new Dictionary<string, string> { ["GREETING"] = "hello" }));
        compilation.Errors.Should().BeEmpty();
        return compilation.Compiled!;
    }

    [Fact]
    public void Passing_cases_pass_and_the_report_ends_with_the_count_line()
    {
        var result = TestRunner.Run(Compile(("vip", VipRule)), TestCaseReader.Parse(Cases, "vip.json"));

        result.Cases.Should().OnlyContain(c => c.Passed, string.Join("\n", result.Cases.SelectMany(c => c.Mismatches)));
        result.PassedCount.Should().Be(3);
        var text = Report(result);
        text.Should().Contain("PASS  vip/a regular user\n");
        text.TrimEnd().Split('\n')[^1].Should().Be("3 passed, 0 failed");
    }

    [Fact]
    public void A_failing_case_shows_expected_and_actual_for_each_mismatch()
    {
        var cases = TestCaseReader.Parse("""
            { "cases": [ { "name": "wrong", "user": { "user_id": "auth0|1", "vip": true },
                           "expect": { "decision": "deny", "idToken": { "https://example.com/vip": false, "https://example.com/missing": 1 },
                                       "accessToken": { "scope": ["read", "write"] }, "metadataUpdates": [] } } ] }
            """, "vip.json");

        var result = TestRunner.Run(Compile(("vip", VipRule)), cases);

        var failed = result.Cases.Should().ContainSingle().Which;
        failed.Passed.Should().BeFalse();
        failed.Mismatches.Should().Equal(
            "decision: expected \"deny\", got \"allow\"",
            "idToken[\"https://example.com/vip\"]: expected false, got true",
            "idToken[\"https://example.com/missing\"]: expected 1, but the claim is missing",
            "accessToken[\"scope\"]: expected [\"read\",\"write\"], got [\"read\"]",
            "metadataUpdates: expected 0 entries, got 1: [{\"kind\":\"app_metadata\",\"user_id\":\"auth0|1\",\"metadata\":{\"seen\":true},\"rule\":\"vip\"}]");
        var text = Report(result);
        text.Should().Contain("FAIL  vip/wrong  (vip.json:1)\n      decision: expected \"deny\", got \"allow\"\n");
        text.TrimEnd().Split('\n')[^1].Should().Be("0 passed, 1 failed");
    }

    [Fact]
    public void A_rule_error_in_a_failing_case_prints_rule_file_line_column_and_the_source_line()
    {
        var rule = "function (user, context, callback) {\n  var roles = user.app_metadata.roles;\n  callback(null, user, context);\n}";
        var cases = TestCaseReader.Parse("""{ "cases": [ { "name": "no metadata", "user": { "user_id": "u" }, "expect": { "decision": "allow" } } ] }""", "t.json");

        var result = TestRunner.Run(Compile(("roles", rule)), cases);

        var text = Report(result);
        text.Should().Contain("actual: deny by rule 'roles' (rule_error, access_denied)");
        text.Should().Contain("rule 'roles' failed: roles.js:2:");
        text.Should().Contain("\n            var roles = user.app_metadata.roles;\n");
    }

    [Fact]
    public void Run_filter_selects_cases_by_file_and_name()
    {
        var cases = TestCaseReader.Parse(Cases, "vip.json");

        var result = TestRunner.Run(Compile(("vip", VipRule)), cases, new TestRunOptions { Filter = new Regex("vip/a (vip|blocked)") });

        result.Cases.Select(c => c.Case.Name).Should().Equal("a vip", "a blocked user");
    }

    [Fact]
    public void A_case_can_override_the_rule_set_configuration()
    {
        var rule = "function (user, context, callback) {\n  context.idToken['https://example.com/greeting'] = configuration.GREETING;\n  callback(null, user, context);\n}";
        var cases = TestCaseReader.Parse("""
            { "base": { "user": { "user_id": "u" } },
              "cases": [ { "name": "rules.json value", "expect": { "idToken": { "https://example.com/greeting": "hello" } } },
                         { "name": "overridden", "configuration": { "GREETING": "hi" }, "expect": { "idToken": { "https://example.com/greeting": "hi" } } } ] }
            """, "t.json");

        var result = TestRunner.Run(Compile(("greet", rule)), cases);

        result.Cases.Should().OnlyContain(c => c.Passed, string.Join("\n", result.Cases.SelectMany(c => c.Mismatches)));
    }

    [Fact]
    public void The_json_report_lists_cases_with_status_and_mismatches()
    {
        var cases = TestCaseReader.Parse(Cases.Replace("\"error\": \"unauthorized\"", "\"error\": \"access_denied\""), "vip.json");

        var json = JsonTestReporter.ToJson(TestRunner.Run(Compile(("vip", VipRule)), cases));

        json["passed"]!.GetValue<int>().Should().Be(2);
        json["failed"]!.GetValue<int>().Should().Be(1);
        var failed = json["cases"]!.AsArray()[2]!;
        failed["status"]!.GetValue<string>().Should().Be("fail");
        failed["mismatches"]![0]!.GetValue<string>().Should().Be("error: expected \"access_denied\", got \"unauthorized\"");
        failed["outcome"]!["decision"]!.GetValue<string>().Should().Be("deny");
        json["cases"]![0]!["outcome"].Should().BeNull();
    }

    private static string Report(TestRunResult result)
    {
        using var writer = new StringWriter();
        new PrettyTestReporter().Report(result, writer);
        return writer.ToString().Replace("\r\n", "\n");
    }
}

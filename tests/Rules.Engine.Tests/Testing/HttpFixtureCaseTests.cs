using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;
using Rules.Engine.Testing;

namespace Rules.Engine.Tests.Testing;

/// <summary>Test cases answer rules' HTTP calls from their "http" fixtures; a call no fixture matches fails the case, showing it.</summary>
public sealed class HttpFixtureCaseTests
{
    private const string CrmRule = """
        function (user, context, callback) {
          require('request').post({ url: 'https://crm.example.com/v2/lookup?source=login', json: { email: user.email } }, function (err, response, body) {
            if (err) return callback(new Error('crm: ' + err.code));
            context.idToken.tier = body.tier;
            callback(null, user, context);
          });
        }
        """;

    private static CompiledRuleSet Compile(params string[] egress)
    {
        var compilation = RuleCompiler.Compile(new RuleSet([new RuleSource("crm", "crm.js", CrmRule)], null, null, egress: egress));
        compilation.Errors.Should().BeEmpty();
        return compilation.Compiled!;
    }

    private static TestRunResult Run(string cases, params string[] egress) =>
        TestRunner.Run(Compile(egress.Length == 0 ? ["https://crm.example.com/v2/"] : egress), TestCaseReader.Parse(cases, "crm.json"));

    [Fact]
    public void A_fixture_answers_the_call_it_matches()
    {
        var result = Run("""
            { "base": { "user": { "email": "jordan@example.com" } }, "cases": [ { "name": "gold",
              "http": [ { "request": { "method": "POST", "url": "https://crm.example.com/v2/lookup?source=login", "json": { "email": "jordan@example.com" } },
                          "response": { "status": 200, "json": { "tier": "gold" }, "delayMs": 20 } } ],
              "expect": { "decision": "allow", "idToken": { "tier": "gold" }, "http": [ { "method": "POST", "path": "/v2/lookup", "status": 200 } ] } } ] }
            """);

        result.Cases.Single().Mismatches.Should().BeEmpty();
    }

    [Fact]
    public void A_call_no_fixture_matches_fails_the_case_showing_the_call()
    {
        var result = Run("""
            { "cases": [ { "name": "wrong body", "user": { "email": "priya@example.com" },
              "http": [ { "request": { "method": "POST", "url": "https://crm.example.com/v2/lookup?source=login", "json": { "email": "jordan@example.com" } },
                          "response": { "json": { "tier": "gold" } } } ],
              "expect": { "decision": "deny" } } ] }
            """);

        var only = result.Cases.Single();
        only.Passed.Should().BeFalse("the outcome matched, but a call went unanswered");
        only.Mismatches.Should().ContainSingle().Which.Should()
            .Be("""HTTP call with no fixture in the case's "http": POST https://crm.example.com/v2/lookup?source=login {"email":"priya@example.com"}""");
    }

    [Fact]
    public void A_case_without_fixtures_never_reaches_the_network()
    {
        var result = Run("""{ "base": { "user": {}, "context": {} }, "cases": [ { "name": "no fixtures", "expect": { "decision": "deny", "error_description": "crm: ERR_NO_FIXTURE" } } ] }""");

        result.Cases.Single().Mismatches.Should().ContainSingle().Which.Should().StartWith("HTTP call with no fixture");
    }

    [Fact]
    public void Fixtures_go_through_the_egress_policy_first()
    {
        var result = Run("""
            { "base": { "user": {}, "context": {} }, "cases": [ { "name": "not allowed",
              "http": [ { "request": { "url": "https://crm.example.com/v2/lookup?source=login" }, "response": { "json": { "tier": "gold" } } } ],
              "expect": { "decision": "deny", "error_description": "crm: ERR_EGRESS_DENIED" } } ] }
            """, "api.example.com");

        result.Cases.Single().Mismatches.Should().BeEmpty();
    }

    [Fact]
    public void Error_fixtures_and_coverage_work_together()
    {
        var cases = TestCaseReader.Parse("""
            { "base": { "user": {}, "context": {} }, "cases": [ { "name": "down", "http": [ { "request": { "url": "https://crm.example.com/v2/lookup?source=login" }, "error": "ECONNREFUSED" } ],
              "expect": { "decision": "deny", "error_description": "crm: ECONNREFUSED" } } ] }
            """, "crm.json");

        var result = TestRunner.Run(Compile("https://crm.example.com/v2/"), cases, new TestRunOptions { Coverage = true });

        result.Cases.Single().Mismatches.Should().BeEmpty();
        result.Coverage.Should().NotBeNull();
    }

    [Theory]
    [InlineData("""{ "http": {} }""", "must be an array")]
    [InlineData("""{ "http": [ { "response": {} } ] }""", "needs a \"request\"")]
    [InlineData("""{ "http": [ { "request": { "url": "crm/lookup" }, "response": {} } ] }""", "absolute http or https URL")]
    [InlineData("""{ "http": [ { "request": { "url": "https://a.example/" } } ] }""", "needs a \"response\"")]
    [InlineData("""{ "http": [ { "request": { "url": "https://a.example/" }, "response": { "status": 99 } } ] }""", "status")]
    public void Malformed_fixtures_are_refused_naming_the_case(string http, string message)
    {
        var json = $$"""{ "cases": [ { "name": "bad", "user": {}, "context": {}, {{http[1..^1]}}, "expect": { "decision": "allow" } } ] }""";

        var act = () => TestCaseReader.Parse(json, "bad.json");

        act.Should().Throw<TestCaseFormatException>().WithMessage($"*case \"bad\"*{message}*");
    }
}

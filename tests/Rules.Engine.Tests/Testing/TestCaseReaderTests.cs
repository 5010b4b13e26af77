using Rules.Engine.Testing;

namespace Rules.Engine.Tests.Testing;

public sealed class TestCaseReaderTests
{
    [Fact]
    public void Cases_are_deep_merged_onto_the_base_and_null_removes_a_key()
    {
        var cases = TestCaseReader.Parse("""
            {
              "base": {
                "user": { "user_id": "auth0|1", "app_metadata": { "roles": ["a"], "plan": "pro" }, "impersonated": true,
                          "impersonator": { "user_id": "auth0|s", "email": "s@example.com" } },
                "context": { "clientID": "c1", "request": { "ip": "1.2.3.4" } },
                "now": "2026-03-10T15:30:00Z"
              },
              "cases": [
                { "name": "unchanged", "expect": { "decision": "allow" } },
                { "name": "overrides",
                  "user": { "app_metadata": { "roles": ["b"] }, "impersonated": null, "impersonator": null },
                  "context": { "request": { "hostname": "h" } },
                  "now": "2026-03-14T10:00:00Z",
                  "configuration": { "KEY": "v" },
                  "expect": { "decision": "deny" } }
              ]
            }
            """, "cases.json");

        cases.Should().HaveCount(2);
        cases[0].Id.Should().Be("cases/unchanged");
        cases[0].Line.Should().Be(9);
        cases[0].Transaction.IsImpersonated.Should().BeTrue();
        cases[0].Configuration.Should().BeNull();

        var second = cases[1];
        second.Line.Should().Be(10);
        second.Transaction.User["app_metadata"]!.ToJsonString().Should().Be("""{"roles":["b"],"plan":"pro"}""");
        second.Transaction.User.ContainsKey("impersonated").Should().BeFalse();
        second.Transaction.IsImpersonated.Should().BeFalse();
        second.Transaction.Context["request"]!.ToJsonString().Should().Be("""{"ip":"1.2.3.4","hostname":"h"}""");
        second.Transaction.Now.Should().Be(DateTimeOffset.Parse("2026-03-14T10:00:00Z"));
        second.Configuration.Should().Equal(new Dictionary<string, string> { ["KEY"] = "v" });
    }

    [Fact]
    public void A_transaction_file_with_expect_is_one_case_named_after_the_file()
    {
        var cases = TestCaseReader.Parse("""{ "expect": { "decision": "allow" }, "user": { "user_id": "u" }, "context": {} }""", "/x/normal-login-allow.json");

        cases.Should().ContainSingle().Which.Name.Should().Be("normal-login-allow");
    }

    [Theory]
    [InlineData("{ \"cases\": [\n  { \"name\": \"a\",\n    \"expect\": { \"decision\": \"allow\" }\n  }\n", "bad.json:5: not valid JSON")]
    [InlineData("{ \"cases\": [\n {\"name\": \"ok\", \"user\": {}, \"expect\": {\"decision\": \"allow\"}},\n {\"name\": \"a\"} ] }", "bad.json:3: case \"a\" needs an \"expect\" object")]
    [InlineData("{ \"cases\": [\n\n {\"user\": {}, \"expect\": {}} ] }", "bad.json:3: case 1 needs a \"name\"")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"user\": {}, \"expect\": {\"decision\": \"maybe\"}} ] }", "bad.json:1: case \"a\": \"decision\" must be \"allow\", \"deny\" or \"redirect\"")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"user\": {}, \"expect\": {\"decison\": \"allow\"}} ] }", "unknown expectation \"decison\"")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"usr\": {}, \"expect\": {}} ] }", "unknown key \"usr\"")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"expect\": {}} ] }", "bad.json:1: case \"a\": \"user\" is missing")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"user\": {}, \"now\": \"tuesday\", \"expect\": {}} ] }", "\"now\" must be an ISO-8601 date-time")]
    [InlineData("{\n  \"base\": [],\n \"cases\": [] }", "bad.json:2: \"base\" must be an object")]
    [InlineData("{ \"tests\": [] }", "bad.json:1: expected \"cases\"")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"user\": {}, \"expect\": {\"logs\": \"hello\"}} ] }", "bad.json:1: case \"a\": \"logs\" must be an array")]
    [InlineData("{ \"cases\": [ {\"name\": \"a\", \"user\": {}, \"expect\": {}}, {\"name\": \"a\", \"user\": {}, \"expect\": {}} ] }", "case name \"a\" is used more than once")]
    public void Malformed_case_files_name_the_file_line_and_problem(string json, string expected)
    {
        var read = () => TestCaseReader.Parse(json, "bad.json");

        read.Should().Throw<TestCaseFormatException>().Which.Message.Should().Contain(expected);
    }
}

using Rules.Engine.Testing;
using Rules.Engine.Tests.Testing;

namespace Rules.Engine.Tests.Redirect;

/// <summary>rules test: a redirect is its own decision, and a case's "continue" step walks the login through /continue.</summary>
public class RedirectTestCaseTests
{
    private const string TicketRule = """
        function (user, context, callback) {
          if (!user.impersonated) return callback(null, user, context);
          if (context.protocol !== 'redirect-callback') {
            context.redirect = { url: 'https://support.example.com/ticket' };
            return callback(null, user, context);
          }
          var ticket = context.request.body.ticket || context.request.query.ticket;
          if (!/^SUP-\d+$/.test(ticket || '')) return callback(new UnauthorizedError('a support ticket is required'));
          if (!context.request.query.state) return callback(new Error('no state'));
          context.idToken['https://example.com/ticket'] = ticket;
          callback(null, user, context);
        }
        """;

    private const string Cases = """
        {
          "base": { "user": { "user_id": "auth0|1", "impersonated": true, "impersonator": { "user_id": "auth0|s", "email": "s@example.com" } },
                    "context": { "clientID": "c" } },
          "cases": [
            { "name": "asks for a ticket", "expect": { "decision": "redirect", "rule": "ticket", "url": "https://support.example.com/ticket" } },
            { "name": "continues with a ticket", "continue": { "query": { "ticket": "SUP-12" } },
              "expect": { "decision": "allow", "idToken": { "https://example.com/ticket": "SUP-12" } } },
            { "name": "continues with a posted ticket", "continue": { "body": { "ticket": "SUP-13" } },
              "expect": { "decision": "allow", "idToken": { "https://example.com/ticket": "SUP-13" } } },
            { "name": "denies without one", "continue": { "query": {} },
              "expect": { "decision": "deny", "error": "unauthorized", "error_description": "a support ticket is required" } },
            { "name": "a regular login never redirects", "user": { "impersonated": null, "impersonator": null }, "expect": { "decision": "allow" } }
          ]
        }
        """;

    [Fact]
    public void Cases_expect_a_redirect_and_walk_the_continue()
    {
        var result = TestRunner.Run(TestRunnerTests.Compile(("ticket", TicketRule)), TestCaseReader.Parse(Cases, "ticket.json"));

        result.Cases.Should().OnlyContain(c => c.Passed, string.Join("\n", result.Cases.SelectMany(c => c.Mismatches)));
        result.PassedCount.Should().Be(5);
    }

    [Fact]
    public void A_continue_step_on_a_login_that_does_not_redirect_fails_the_case()
    {
        var result = TestRunner.Run(TestRunnerTests.Compile(("ticket", TicketRule)), TestCaseReader.Parse("""
            { "cases": [ { "name": "regular", "user": { "user_id": "auth0|1" }, "context": {}, "continue": { "query": {} }, "expect": { "decision": "allow" } } ] }
            """, "t.json"));

        result.Cases.Single().Mismatches.Should().ContainSingle().Which.Should().Contain("must redirect before it can continue");
    }

    [Fact]
    public void A_malformed_continue_step_is_a_format_error()
    {
        var act = () => TestCaseReader.Parse("""
            { "cases": [ { "name": "x", "user": {}, "continue": { "qeury": {} }, "expect": { "decision": "allow" } } ] }
            """, "t.json");

        act.Should().Throw<TestCaseFormatException>().WithMessage("*\"continue\" must be*");
    }
}

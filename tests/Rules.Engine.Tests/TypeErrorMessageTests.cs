using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>
/// The TypeErrors rule authors meet most are worded as Node words them (Auth0 ran rules in Node), and name the
/// expression that was undefined, so the failure says what to fix without a debugger.
/// </summary>
public sealed class TypeErrorMessageTests
{
    private static Outcome Run(string body) =>
        PipelineFactory.Create("function (user, context, callback) {\n" + body + "\n  callback(null, user, context);\n}")
            .Execute(PipelineFactory.Login());

    [Theory]
    [InlineData("  const roles = user.app_metadata.missing.roles;",
        "TypeError: Cannot read properties of undefined (reading 'roles'): user.app_metadata.missing is undefined", 2, 43)]
    [InlineData("  const x = user.app_metadata.missing;\n  x.check(1);",
        "TypeError: Cannot read properties of undefined (reading 'check'): x is undefined", 3, 3)]
    [InlineData("  const x = null;\n  if (x.enabled) { }",
        "TypeError: Cannot read properties of null (reading 'enabled'): x is null", 3, 9)]
    [InlineData("  user.app_metadata.check(1);",
        "TypeError: user.app_metadata.check is not a function", 2, 3)]
    [InlineData("  const f = 3;\n  f();",
        "TypeError: f is not a function", 3, 3)]
    [InlineData("  const { roles } = user.app_metadata.missing;",
        "TypeError: Cannot destructure property 'roles' of 'user.app_metadata.missing' as it is undefined or null", 2, 21)]
    [InlineData("  const { a: { b } } = user.app_metadata;",
        "TypeError: Cannot destructure 'user.app_metadata' as { a: { b } }: it, or an object inside it that the pattern reads, is undefined or null", 2, 24)]
    public void Names_the_property_and_the_expression(string body, string message, int line, int column)
    {
        var outcome = Run(body);

        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Be(message);
        (outcome.Failure.Line, outcome.Failure.Column).Should().Be((line, column));
    }

    [Fact]
    public void Other_errors_keep_their_message()
    {
        Run("  null.x;").Failure!.Message.Should().StartWith("TypeError: Cannot read properties of null (reading 'x')");
        Run("  throw new TypeError('my own words');").Failure!.Message.Should().Be("TypeError: my own words");
    }

    [Fact]
    public void A_failure_in_code_another_rule_left_on_global_points_at_that_code_and_names_the_caller()
    {
        using var pipeline = PipelineFactory.Create(
            """
            function (user, context, callback) {
              global.rolesOf = function (u) {
                return u.app_metadata.authorization.roles;
              };
              callback(null, user, context);
            }
            """,
            """
            function (user, context, callback) {
              const roles = global.rolesOf(user);
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Rule.Should().Be("rule2");
        outcome.Failure!.File.Should().Be("rule1.js");
        (outcome.Failure.Line, outcome.Failure.Column).Should().Be((3, 41));
        outcome.Failure.SourceLine.Should().Be("    return u.app_metadata.authorization.roles;");
        outcome.Failure.Message.Should().Be(
            "TypeError: Cannot read properties of undefined (reading 'roles'): u.app_metadata.authorization is undefined "
            + "(in code from rule 'rule1', called by rule 'rule2' at rule2.js:2:17)");
    }
}

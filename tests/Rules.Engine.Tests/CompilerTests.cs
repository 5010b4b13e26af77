using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

public class CompilerTests
{
    private static (CompiledRule? Rule, RuleCompilationError? Error) Compile(string script) =>
        RuleCompiler.CompileRule(new RuleSource("r", "r.js", script), new ScriptCache());

    [Theory]
    [InlineData("function (user, context, callback) { callback(null, user, context); }")]
    [InlineData("function named(user, context, callback) { callback(null, user, context); }")]
    [InlineData("/**\n * @title A rule\n * @param {object} user\n */\nfunction (user, context, callback) {\n  callback(null, user, context);\n}\n")]
    [InlineData("// leading line comment\nfunction named(user, context, callback) {\n  callback(null, user, context);\n}\n// trailing comment without newline")]
    [InlineData("function named(user, context, callback) {\n  callback(null, user, context);\n};\n")]
    [InlineData("async function (user, context, callback) { await null; callback(null, user, context); }")]
    [InlineData("(user, context, callback) => callback(null, user, context)")]
    public void Accepts_the_rule_styles_Auth0_stored(string script)
    {
        var (rule, error) = Compile(script);
        error.Should().BeNull();
        using var pipeline = new RulePipeline(RuleCompiler.Compile(new RuleSet([rule!.Source])).Compiled!);
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Allow);
    }

    [Fact]
    public void Runs_ES2015_and_later_syntax()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              class Tally { #n = 0; add(k = 1) { this.#n += k; return this; } get value() { return this.#n; } }
              const seen = new Set([1, 2, 2]);
              const byKey = new Map([["a", 1]]);
              const { email, ...rest } = user;
              const wait = async (v) => { await Promise.resolve(); return v; };
              const sum = [1, 2, 3].reduce((a, b) => a + b, 0);
              wait(`${email}:${seen.size}:${byKey.get("a")}:${sum}:${new Tally().add(2).value}:${Object.keys(rest).length > 0}`)
                .then(label => { context.idToken["https://example.com/label"] = label; callback(null, user, context); });
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/label"]!.GetValue<string>().Should().Be("alice@example.com:2:1:6:2:true");
    }

    [Fact]
    public void Syntax_error_on_a_later_line_points_at_the_authors_line_and_column()
    {
        var (_, error) = Compile("function (user, context, callback) {\n  var x = ;\n}");
        error.Should().NotBeNull();
        (error!.Line, error.Column).Should().Be((2, 11));
        error.SourceLine.Should().Be("  var x = ;");
        error.Format().Should().StartWith("r.js:2:11: error: Unexpected token");
        error.Format().Should().Contain("\n    " + new string(' ', 10) + "^");
    }

    [Fact]
    public void Syntax_error_on_the_first_line_is_not_shifted_by_the_wrapper()
    {
        var (_, error) = Compile("function (user, context, callback) { var = 1; }");
        error.Should().NotBeNull();
        (error!.Line, error.Column).Should().Be((1, 42));
    }

    [Theory]
    [InlineData("", "holds no function")]
    [InlineData("// only a comment\n/* and another */", "holds no function")]
    [InlineData("function a(user, context, callback) {}\nfunction b(user, context, callback) {}", "more than one function")]
    [InlineData("var helper = 1;\nfunction a(user, context, callback) {}", "code outside the rule function")]
    [InlineData("42", "exactly one function")]
    public void Refuses_files_that_are_not_one_function(string script, string expected)
    {
        var (rule, error) = Compile(script);
        rule.Should().BeNull();
        error!.Message.Should().Contain(expected);
    }

    [Fact]
    public void Reports_every_broken_rule_not_just_the_first()
    {
        var compilation = RuleCompiler.Compile(new RuleSet([
            new RuleSource("a", "a.js", "function (user, context, callback) { (; }"),
            new RuleSource("b", "b.js", "function (user, context, callback) { callback(null, user, context); }"),
            new RuleSource("c", "c.js", "function (user, context, callback) { } }"),
        ]), cache: new ScriptCache());
        compilation.Succeeded.Should().BeFalse();
        compilation.Errors.Select(e => e.Rule).Should().Equal("a", "c");
    }

    [Fact]
    public void Refuses_a_rule_set_over_the_source_size_cap()
    {
        var big = "function (user, context, callback) { /*" + new string('x', 2_000) + "*/ callback(null, user, context); }";
        var compilation = RuleCompiler.Compile(new RuleSet([new RuleSource("big", "big.js", big)]),
            SandboxOptions.Default with { MaxRuleSetSourceBytes = 1_000 }, new ScriptCache());
        compilation.Succeeded.Should().BeFalse();
        compilation.Errors.Single().Message.Should().Contain("1,000-byte limit");
    }

    [Fact]
    public void The_caret_keeps_the_lines_tabs_so_it_lines_up()
    {
        var (_, error) = Compile("function (user, context, callback) {\n\tif (x ==) {}\n}");
        (error!.Line, error.Column).Should().Be((2, 10));
        error.Format().Split('\n')[2].Should().Be("    \t        ^");
    }
}

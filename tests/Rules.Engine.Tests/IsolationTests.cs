using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

public class IsolationTests
{
    private static readonly SandboxOptions OneRuntime = SandboxOptions.Default with { MaxPooledRuntimes = 1 };

    [Fact]
    public void Each_login_gets_fresh_user_and_context_objects()
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, """
            function (user, context, callback) {
              context.idToken['https://example.com/before'] = user.marked === true;
              user.marked = true;
              context.request.query.extra = 'x';
              callback(null, user, context);
            }
            """);
        pipeline.Execute(PipelineFactory.Login());
        var second = pipeline.Execute(PipelineFactory.Login());
        second.IdToken["https://example.com/before"]!.GetValue<bool>().Should().BeFalse();
        pipeline.RuntimesCreated.Should().Be(1, "the second login reused the warm runtime");
    }

    [Theory]
    [InlineData("Array.prototype.includes = function () { return true; };", "[1].includes(2) === false")]
    [InlineData("Object.prototype.isAdmin = true;", "({}).isAdmin === undefined")]
    [InlineData("JSON.parse = function () { return { admin: true }; };", "JSON.parse('{\"a\":1}').a === 1")]
    [InlineData("String.prototype.toLowerCase = function () { return 'admin'; };", "'ABC'.toLowerCase() === 'abc'")]
    [InlineData("Math.random = function () { return 0; }; Date.now = function () { return 0; };", "Date.now() > 0")]
    [InlineData("Promise.prototype.then = function () {};", "typeof Promise.prototype.then === 'function' && Promise.prototype.then.length === 2")]
    [InlineData("Function.prototype.call = function () { return 'pwned'; };", "Math.max.call(null, 1, 2) === 2")]
    [InlineData("Object.defineProperty(Array.prototype, 'evil', { get: function () { return 1; } });", "[].evil === undefined")]
    [InlineData("globalThis.JSON = { stringify: function () { return 'x'; } };", "JSON.stringify(1) === '1'")]
    public void Built_ins_cannot_be_poisoned_for_later_logins(string poison, string check)
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, $$"""
            function (user, context, callback) {
              if (user.poison) { try { {{poison}} } catch (e) { } return callback(null, user, context); }
              context.idToken['https://example.com/intact'] = {{check}};
              callback(null, user, context);
            }
            """);
        pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|mallory", "poison": true }"""));
        var next = pipeline.Execute(PipelineFactory.Login());
        next.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(next));
        next.IdToken["https://example.com/intact"]!.GetValue<bool>().Should().BeTrue();
        pipeline.RuntimesCreated.Should().Be(1);
    }

    [Fact]
    public void Ordinary_code_can_still_override_inherited_names_on_its_own_objects()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              class RuleError extends Error { constructor(m) { super(m); this.name = 'RuleError'; } }
              const o = {}; o.toString = function () { return 'custom'; }; o.constructor = 'c';
              const e = new RuleError('m');
              context.idToken['https://example.com/r'] = [String(o), o.constructor, e.name, e instanceof Error].join('|');
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/r"]!.GetValue<string>().Should().Be("custom|c|RuleError|true");
    }

    [Fact]
    public void Accidental_globals_do_not_leak_into_the_next_login()
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, """
            function (user, context, callback) {
              context.idToken['https://example.com/leaked'] = typeof leaked === 'undefined' ? null : leaked;
              leaked = user.email;
              for (i = 0; i < 2; i++) { }
              callback(null, user, context);
            }
            """);
        pipeline.Execute(PipelineFactory.Login("""{ "user_id": "auth0|first", "email": "first@example.com" }"""));
        var second = pipeline.Execute(PipelineFactory.Login());
        second.IdToken["https://example.com/leaked"].Should().BeNull();
    }

    [Fact]
    public void Global_is_a_per_runtime_cache_as_in_Auth0()
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, """
            function (user, context, callback) {
              global.count = (global.count || 0) + 1;
              context.idToken['https://example.com/count'] = global.count;
              callback(null, user, context);
            }
            """);
        pipeline.Execute(PipelineFactory.Login());
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://example.com/count"]!.GetValue<double>().Should().Be(2);
    }

    [Fact]
    public void Configuration_is_read_only()
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, new Dictionary<string, string> { ["API_KEY"] = "s3cret" },
            new RuleSource("cfg", "cfg.js", """
                function (user, context, callback) {
                  configuration.API_KEY = 'changed'; configuration.NEW = 1; delete configuration.API_KEY;
                  context.idToken['https://example.com/cfg'] = configuration.API_KEY + ':' + typeof configuration.NEW;
                  callback(null, user, context);
                }
                """));
        pipeline.Execute(PipelineFactory.Login()).IdToken["https://example.com/cfg"]!.GetValue<string>().Should().Be("s3cret:undefined");
    }

    [Fact]
    public void Now_in_the_transaction_fixes_the_clock_rules_see()
    {
        using var pipeline = PipelineFactory.Create(OneRuntime, """
            function (user, context, callback) {
              context.idToken['https://example.com/now'] = new Date().toISOString() + '|' + Date.now() + '|' + new Date().getHours();
              callback(null, user, context);
            }
            """);
        var pinned = DateTimeOffset.Parse("2026-11-18T09:30:00Z");
        pipeline.Execute(PipelineFactory.Login(now: pinned)).IdToken["https://example.com/now"]!.GetValue<string>()
            .Should().Be($"2026-11-18T09:30:00.000Z|{pinned.ToUnixTimeMilliseconds()}|9");

        var unpinned = pipeline.Execute(PipelineFactory.Login()).IdToken["https://example.com/now"]!.GetValue<string>();
        DateTimeOffset.Parse(unpinned.Split('|')[0]).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), "the clock pin must not outlive its login");
    }

    [Fact]
    public void A_require_the_compiler_could_not_see_fails_at_login_with_a_clear_error()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { require.call(null, 'lodash'); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("require('lodash') was not resolved when the rule set compiled");
    }
}

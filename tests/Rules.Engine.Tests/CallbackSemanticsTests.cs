using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

public class CallbackSemanticsTests
{
    private const string Continue = "function (user, context, callback) { context.idToken['https://example.com/second'] = true; callback(null, user, context); }";

    [Fact]
    public void Callback_with_null_continues_to_the_next_rule()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.idToken['https://example.com/first'] = true; callback(null, user, context); }",
            Continue);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken.Select(c => c.Key).Should().Equal("https://example.com/first", "https://example.com/second");
        outcome.Timings.Rules.Select(t => t.Rule).Should().Equal("rule1", "rule2");
    }

    [Fact]
    public void UnauthorizedError_denies_with_unauthorized_and_stops_the_pipeline()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { callback(new UnauthorizedError('Support staff only')); }", Continue);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Error.Should().Be("unauthorized");
        outcome.ErrorDescription.Should().Be("Support staff only");
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.Rule.Should().Be("rule1");
        outcome.Timings.Rules.Should().HaveCount(1, "the second rule must not run after a denial");
    }

    [Theory]
    [InlineData("callback(new Error('plain error'))", "plain error")]
    [InlineData("callback('just a string')", "just a string")]
    [InlineData("callback(new TypeError('typed'))", "typed")]
    [InlineData("callback({ code: 42 })", "Access denied by rule 'rule1'.")]
    [InlineData("callback(42)", "Access denied by rule 'rule1'.")]
    public void Any_other_error_denies_with_access_denied(string call, string description)
    {
        using var pipeline = PipelineFactory.Create($"function (user, context, callback) {{ {call}; }}");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Error.Should().Be("access_denied");
        outcome.ErrorDescription.Should().Be(description);
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
    }

    [Fact]
    public void A_rule_that_throws_denies_as_rule_error_with_the_authors_location()
    {
        using var pipeline = PipelineFactory.Create("""
            /** header */
            function (user, context, callback) {
              const roles = user.app_metadata.missing.roles;
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Error.Should().Be("access_denied");
        outcome.Failure!.File.Should().Be("rule1.js");
        outcome.Failure.Line.Should().Be(3);
        outcome.Failure.SourceLine.Should().Contain("user.app_metadata.missing.roles");
        outcome.Failure.Message.Should().StartWith("TypeError");
        outcome.ErrorDescription.Should().NotContain("TypeError", "the application is not shown the rule's internals");
    }

    [Fact]
    public void A_thrown_error_on_the_first_line_reports_the_authors_column()
    {
        using var pipeline = PipelineFactory.Create("function (user, context, callback) { null.boom; }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Line.Should().Be(1);
        outcome.Failure.Column.Should().Be(43, "Jint points at the property read that failed: " + outcome.Failure);
    }

    [Fact]
    public void Callback_may_come_after_promises_resolve()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              user.app_metadata.visits = (user.app_metadata.visits || 0) + 1;
              auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
                .then(function () { return Promise.resolve('later'); })
                .then(function (v) { context.idToken['https://example.com/v'] = v; callback(null, user, context); })
                .catch(function (err) { callback(err); });
            }
            """, Continue);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/v"]!.GetValue<string>().Should().Be("later");
        outcome.IdToken.ContainsKey("https://example.com/second").Should().BeTrue();
        var update = outcome.MetadataUpdates.Should().ContainSingle().Subject;
        update.Kind.Should().Be(MetadataKind.AppMetadata);
        update.UserId.Should().Be("auth0|alice");
        update.Rule.Should().Be("rule1");
        update.Metadata["visits"]!.GetValue<double>().Should().Be(1);
    }

    [Fact]
    public void An_async_rule_that_awaits_then_calls_back_continues()
    {
        using var pipeline = PipelineFactory.Create("""
            async function (user, context, callback) {
              await auth0.users.updateUserMetadata(user.user_id, { theme: 'dark' });
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.MetadataUpdates.Single().Kind.Should().Be(MetadataKind.UserMetadata);
    }

    [Fact]
    public void An_async_rule_that_rejects_is_a_rule_error_not_a_silent_timeout()
    {
        using var pipeline = PipelineFactory.Create("async function (user, context, callback) { await null; throw new Error('async boom'); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Contain("async boom");
    }

    [Theory]
    [InlineData("function (user, context, callback) { }")]
    [InlineData("function (user, context, callback) { new Promise(function () {}).then(function () { callback(null, user, context); }); }")]
    [InlineData("function (user, context, callback) { Promise.resolve().then(function () {}); }")]
    public void A_callback_that_is_never_called_denies_as_timeout(string script)
    {
        using var pipeline = PipelineFactory.Create(script);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.Timeout);
        outcome.Failure!.Message.Should().Contain("without calling callback");
    }

    [Fact]
    public void A_second_callback_call_is_ignored_and_reported()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { callback(null, user, context); callback(new UnauthorizedError('too late')); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.Logs.Should().Contain(l => l.Contains("called callback more than once"));
    }

    [Fact]
    public void The_user_and_context_passed_to_callback_are_what_the_next_rule_sees()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { var u = Object.assign({}, user, { nickname: 'ali' }); var c = Object.assign({}, context, { idToken: { 'https://example.com/a': 1 } }); callback(null, u, c); }",
            "function (user, context, callback) { context.idToken['https://example.com/nick'] = user.nickname; callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/nick"]!.GetValue<string>().Should().Be("ali");
        outcome.IdToken["https://example.com/a"]!.GetValue<double>().Should().Be(1);
        outcome.User["nickname"]!.GetValue<string>().Should().Be("ali");
    }

    [Fact]
    public void Console_output_is_captured_and_bounded()
    {
        using var pipeline = PipelineFactory.Create(
            Engine.Sandbox.SandboxOptions.Default with { MaxLogEntries = 3, MaxLogEntryLength = 10 },
            "function (user, context, callback) { console.log('a', { b: 1 }); console.log('x'.repeat(50)); for (var i = 0; i < 10; i++) console.log(i); callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Logs.Should().HaveCount(4);
        outcome.Logs[0].Should().Be("[rule1] a {\"b\":1}");
        outcome.Logs[1].Should().StartWith("[rule1] xxxxxxxxxx… (40 more characters)");
        outcome.Logs[3].Should().Contain("9 more console lines were dropped");
    }

    [Fact]
    public void The_callback_looks_like_a_native_function_of_three_parameters()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              const d = (name) => JSON.stringify(Object.getOwnPropertyDescriptor(callback, name));
              context.idToken['https://t/shape'] = [typeof callback, String(callback), callback.name, callback.length,
                Object.getOwnPropertyNames(callback).join(','), d('length'), d('name'), Object.getPrototypeOf(callback) === Function.prototype,
                callback instanceof Function, 'prototype' in callback, Object.isExtensible(callback), callback === callback,
                (() => { try { new callback(); return 'constructed'; } catch (e) { return e.constructor.name; } })()].join(' | ');
              callback.call(null, null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://t/shape"]!.GetValue<string>().Should().Be(
            "function | function callback() { [native code] } | callback | 3 | length,name | {\"value\":3,\"writable\":false,\"enumerable\":false,\"configurable\":false}"
            + " | {\"value\":\"callback\",\"writable\":false,\"enumerable\":false,\"configurable\":true} | true | true | false | true | true | TypeError");
    }

    [Fact]
    public void One_string_logged_alone_is_bounded_and_counted_like_any_other_line()
    {
        // console.log with one string skips the formatting (its text is itself); the bound and the drop count are the same.
        using var pipeline = PipelineFactory.Create(
            Engine.Sandbox.SandboxOptions.Default with { MaxLogEntries = 2, MaxLogEntryLength = 10 },
            "function (user, context, callback) { console.log(`${'y'.repeat(12)}`); console.info(''); console.log('a', 'b'); console.warn('dropped'); callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Logs.Should().Equal("[rule1] yyyyyyyyyy… (2 more characters)", "[rule1] ", "[pipeline] 2 more console lines were dropped (sandbox limit MaxLogEntries = 2)");
    }

    [Fact]
    public void An_error_thrown_in_a_then_callback_is_reported_not_lost()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { auth0.users.updateAppMetadata(user.user_id, {}).then(function () { throw new Error('async failure'); }); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleError);
        outcome.Failure!.Message.Should().Be("Error: async failure");
    }

    [Fact]
    public void A_rejection_the_rule_handles_is_not_reported()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { Promise.reject(new Error('handled')).catch(function () { callback(null, user, context); }); }");
        pipeline.Execute(PipelineFactory.Login()).Decision.Should().Be(Decision.Allow);
    }

    [Theory]
    [InlineData("throw { code: 1 };", "Uncaught {\"code\":1}")]
    [InlineData("throw 42;", "Uncaught 42")]
    [InlineData("throw 'plain';", "plain")]
    public void Thrown_values_that_are_not_errors_are_shown_as_they_are(string statement, string message)
    {
        using var pipeline = PipelineFactory.Create($"function (user, context, callback) {{ {statement} }}");
        pipeline.Execute(PipelineFactory.Login()).Failure!.Message.Should().Be(message);
    }
}

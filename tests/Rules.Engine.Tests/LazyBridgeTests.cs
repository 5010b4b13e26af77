using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

/// <summary>
/// The nested objects of user and context (app_metadata, user_metadata, identities, context.request...) reach rules
/// converted on first touch. Each case runs the same expression on such an object, untouched until then, and on a plain
/// object the rule builds from the same JSON literal: every answer, and the outcome's user, must be the same.
/// </summary>
public sealed class LazyBridgeTests
{
    // Integer-like keys ("2", "1") after string keys: JavaScript lists them first, in ascending order.
    private const string AppMetadata = """
        {"roles":["admin","user"],"plan":"gold","score":1.5,"nested":{"deep":{"x":1}},"2":"two","1":"one","empty":{},"list":[{"a":1},[2],null],"flag":false,"nothing":null}
        """;

    private const string UserJson = $$$"""
        {"user_id":"auth0|alice","email":"alice@example.com","app_metadata":{{{AppMetadata}}},"user_metadata":{"theme":"dark"},
         "identities":[{"provider":"auth0","user_id":"alice","profileData":{"age":7}}]}
        """;

    private static readonly SandboxOptions Options = SandboxOptions.Default with { MaxLogEntryLength = 100_000 };

    public static TheoryData<string> Expressions() =>
    [
        "Object.keys(o)",
        "Object.getOwnPropertyNames(o)",
        "Reflect.ownKeys(o)",
        "Object.entries(o)",
        "Object.values(o)",
        "(() => { const keys = []; for (const k in o) keys.push(k); return keys; })()",
        "JSON.stringify(o)",
        "JSON.stringify(o, null, 2)",
        "['plan' in o, 'nope' in o, '1' in o, 'toString' in o, o.hasOwnProperty('plan'), Object.prototype.hasOwnProperty.call(o, '2'), Object.hasOwn(o, 'nope')]",
        "Object.getOwnPropertyDescriptor(o, 'plan')",
        "Object.getOwnPropertyDescriptors(o)",
        "[Object.getPrototypeOf(o) === Object.prototype, Object.isExtensible(o), Object.isFrozen(o), Object.isSealed(o), Object.prototype.toString.call(o), typeof o, Array.isArray(o), String(o)]",
        "[o.plan, o.roles.includes('admin'), o.nested.deep.x, o.list[0].a, o.empty, o.nothing, o.flag, o.missing]",
        "(o.plan = 'silver', o.added = { a: 1 }, o)",
        "(o.nested.deep.x = 2, o.list[0].b = 3, o)",
        "(o['0'] = 'zero', o.z = 1, Object.keys(o))",
        "(delete o.plan, delete o.nope, delete o['1'], o)",
        "(delete o.nested.deep, o)",
        "({ ...o, extra: true })",
        "(() => { const { plan, ...rest } = o; return [plan, rest]; })()",
        "Object.assign({}, o)",
        "(Object.assign(o, { plan: 'x', z: 1 }), o)",
        "Object.fromEntries(Object.entries(o))",
        "(() => { Object.freeze(o); try { o.plan = 'changed'; } catch (e) { return e.name; } return [Object.isFrozen(o), o]; })()",
        "(() => { Object.seal(o); try { delete o.plan; } catch (e) { return e.name; } return [Object.isSealed(o), o]; })()",
        "(() => { Object.preventExtensions(o); try { o.newKey = 1; } catch (e) { return e.name; } return o; })()",
        "(Object.defineProperty(o, 'plan', { enumerable: false }), [Object.keys(o), JSON.stringify(o), o.plan])",
        "(Object.defineProperty(o, 'fixed', { value: 1, enumerable: true }), [Object.getOwnPropertyDescriptor(o, 'fixed'), o])",
        "(Object.setPrototypeOf(o, { inherited: 1 }), [o.inherited, Object.keys(o), 'inherited' in o, o])",
        "(o.roles.push('extra'), o.roles.sort(), o)",
        "JSON.parse(JSON.stringify(o))",
    ];

    [Theory]
    [MemberData(nameof(Expressions))]
    public void A_nested_object_answers_as_a_plain_object_with_the_same_JSON(string expression)
    {
        var (onLazy, onPlain, plainAfter, outcome) = Run("user.app_metadata", expression);

        onLazy.Should().Be(onPlain);
        outcome.Decision.Should().Be(Decision.Allow);
        JsonNode.DeepEquals(outcome.User["app_metadata"], JsonNode.Parse(plainAfter)).Should().BeTrue(
            $"the outcome's app_metadata {outcome.User["app_metadata"]?.ToJsonString()} should be what the plain object became: {plainAfter}");
    }

    [Theory]
    [InlineData("JSON.stringify(o)")]
    [InlineData("Object.keys(o)")]
    [InlineData("({ ...o })")]
    [InlineData("Object.entries(o).map(([k, v]) => k + ':' + typeof v)")]
    [InlineData("(o.app_metadata.plan = 'silver', delete o.user_metadata, o)")]
    [InlineData("(o.identities[0].profileData.age++, o.identities.push({ provider: 'x' }), o)")]
    public void The_user_answers_as_a_plain_object_with_the_same_JSON(string expression)
    {
        var (onLazy, onPlain, plainAfter, outcome) = Run("user", expression);

        onLazy.Should().Be(onPlain);
        JsonNode.DeepEquals(outcome.User, JsonNode.Parse(plainAfter)).Should().BeTrue(
            $"the outcome's user {outcome.User.ToJsonString()} should be what the plain object became: {plainAfter}");
    }

    [Fact]
    public void Untouched_objects_come_out_as_they_came_in()
    {
        using var pipeline = PipelineFactory.Create(Options, "function (user, context, callback) { user.nickname = 'ali'; callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson));

        outcome.User["app_metadata"]!.ToJsonString().Should().Be(JsonNode.Parse(AppMetadata)!.ToJsonString());
        outcome.User["identities"]!.ToJsonString().Should().Be("""[{"provider":"auth0","user_id":"alice","profileData":{"age":7}}]""");
        outcome.User["nickname"]!.GetValue<string>().Should().Be("ali");
    }

    [Fact]
    public void One_untouched_object_on_two_properties_comes_out_twice()
    {
        using var pipeline = PipelineFactory.Create(Options, "function (user, context, callback) { user.copy = user.user_metadata; callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson));

        outcome.User["copy"]!.ToJsonString().Should().Be("""{"theme":"dark"}""");
        outcome.User["user_metadata"]!.ToJsonString().Should().Be("""{"theme":"dark"}""");
    }

    [Fact]
    public void Getters_added_to_a_nested_object_never_run_when_the_outcome_is_read()
    {
        using var pipeline = PipelineFactory.Create(Options, """
            function (user, context, callback) {
              Object.defineProperty(user.app_metadata, 'trap', { enumerable: true, get() { throw new Error('ran'); } });
              Object.defineProperty(context.request, 'trap', { enumerable: true, get() { throw new Error('ran'); } });
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson, """{ "clientID": "app", "request": { "ip": "1.2.3.4" } }"""));

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.User["app_metadata"]!.AsObject().ContainsKey("trap").Should().BeFalse();
        outcome.User["app_metadata"]!["plan"]!.GetValue<string>().Should().Be("gold");
    }

    [Fact]
    public void A_nested_context_object_reads_and_writes_like_a_plain_one()
    {
        using var pipeline = PipelineFactory.Create(Options, """
            function (user, context, callback) {
              const query = context.request.query;
              context.idToken['https://example.com/scope'] = query.scope.split(' ');
              context.idToken['https://example.com/keys'] = Object.keys(context.request);
              query.scope = 'changed';
              context.idToken['https://example.com/after'] = context.request.query.scope;
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson, """{ "clientID": "app", "request": { "ip": "1.2.3.4", "query": { "scope": "openid email" } } }"""));

        outcome.IdToken["https://example.com/scope"]!.ToJsonString().Should().Be("""["openid","email"]""");
        outcome.IdToken["https://example.com/keys"]!.ToJsonString().Should().Be("""["ip","query"]""");
        outcome.IdToken["https://example.com/after"]!.GetValue<string>().Should().Be("changed");
    }

    [Fact]
    public void An_untouched_nested_object_passed_to_updateAppMetadata_is_stored_whole()
    {
        using var pipeline = PipelineFactory.Create(Options, """
            function (user, context, callback) {
              auth0.users.updateAppMetadata(user.user_id, user.app_metadata).then(() => callback(null, user, context)).catch(callback);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson));

        outcome.MetadataUpdates.Should().ContainSingle();
        JsonNode.DeepEquals(outcome.MetadataUpdates[0].Metadata, JsonNode.Parse(AppMetadata)).Should().BeTrue();
    }

    [Fact]
    public void A_nested_object_passed_to_callback_as_the_user_carries_the_impersonation_markers()
    {
        using var pipeline = PipelineFactory.Create(Options,
            "function (user, context, callback) { callback(null, user.app_metadata, context); }",
            "function (user, context, callback) { context.idToken['https://example.com/by'] = user.impersonator.email; context.idToken['https://example.com/frozen'] = Object.isFrozen(user.impersonator); callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Impersonated());

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken["https://example.com/by"]!.GetValue<string>().Should().Be("support@example.com");
        outcome.IdToken["https://example.com/frozen"]!.GetValue<bool>().Should().BeTrue();
    }

    /// <summary>
    /// Runs <paramref name="expression"/> (over <c>o</c>) on <paramref name="target"/>, untouched until then, and on a
    /// plain object built from the same JSON; returns both answers as JSON text, the plain object's JSON afterwards,
    /// and the outcome.
    /// </summary>
    private static (string OnLazy, string OnPlain, string PlainAfter, Outcome Outcome) Run(string target, string expression)
    {
        var plainSource = target == "user" ? UserJson : AppMetadata;
        using var pipeline = PipelineFactory.Create(Options, $$"""
            function (user, context, callback) {
              const f = (o) => {{expression}};
              const show = (v) => v === undefined ? 'undefined' : JSON.stringify(v);
              const lazy = {{target}};
              console.log(show(f(lazy)));
              const plain = {{plainSource}};
              console.log(show(f(plain)));
              console.log(JSON.stringify(plain));
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login(UserJson));

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.Logs.Should().HaveCount(3);
        const string prefix = "[rule1] ";
        return (outcome.Logs[0][prefix.Length..], outcome.Logs[1][prefix.Length..], outcome.Logs[2][prefix.Length..], outcome);
    }
}

using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Actions;

/// <summary>
/// The host builds an action's event in C# when the context is plain data, and Bootstrap's eventFor when it is not (a
/// getter, a Proxy, another prototype). Both must give the same event, and every action call gets a fresh one.
/// </summary>
public class ActionEventBuilderTests
{
    // A rule that makes the context one only eventFor may read (a getter that answers what the data said), so the two
    // builders meet the same values; the action records its whole event.
    private const string ForceEventFor = """
        function (user, context, callback) {
          const value = context.sessionID;
          Object.defineProperty(context, 'sessionID', { get() { return value; }, enumerable: true, configurable: true });
          callback(null, user, context);
        }
        """;

    private const string RecordEvent = """
        exports.onExecutePostLogin = async (event, api) => {
          const { secrets, ...rest } = event;
          api.idToken.setCustomClaim('https://t/event', JSON.stringify(rest));
          api.idToken.setCustomClaim('https://t/shape', Object.keys(event).join(',') + '|' + Object.keys(event.request).join(',')
            + '|' + [Array.isArray(event.transaction.requested_scopes), event.secrets === undefined, Object.isFrozen(event.client)].join(','));
        };
        """;

    public static TheoryData<string> Contexts() =>
    [
        """
        { "tenant": "acme", "clientID": "app2", "clientName": "App Two", "clientMetadata": { "tier": "gold" }, "connection": "db",
          "connectionStrategy": "auth0", "connectionID": "con_1", "protocol": "oidc-basic-profile", "sessionID": "sess_1",
          "request": { "ip": "1.2.3.4", "hostname": "login.example.com", "userAgent": "curl/8", "geoip": { "country_code": "CA" },
                       "query": { "scope": "openid  email ", "response_type": "code id_token", "redirect_uri": "https://app/cb", "state": "xyz" },
                       "body": { "session_token": "t" } },
          "stats": { "loginsCount": 42 }, "authentication": { "methods": [ { "name": "pwd" } ] } }
        """,
        """{ "clientID": "app2" }""",
        """{ "request": { "query": { "scope": ["openid", "", 7, "email"], "response_type": 5 } }, "stats": 3, "authentication": { "methods": "pwd" } }""",
        """{ "request": "not an object", "clientMetadata": [1, 2], "stats": { "loginsCount": null } }""",
        """{ "request": { "geoip": null, "body": "x", "query": { "scope": null } }, "authentication": null }""",
    ];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_host_builds_the_same_event_as_eventFor(string contextJson)
    {
        using var host = ActionPipeline.Of(("action", RecordEvent));
        using var script = ActionPipeline.Of(("getter", ForceEventFor), ("action", RecordEvent));

        var fromHost = host.Execute(PipelineFactory.Login(contextJson: contextJson));
        var fromScript = script.Execute(PipelineFactory.Login(contextJson: contextJson));

        fromHost.Decision.Should().Be(Decision.Allow, fromHost.Failure?.Message);
        fromScript.Decision.Should().Be(Decision.Allow, fromScript.Failure?.Message);
        fromHost.IdToken["https://t/event"]!.GetValue<string>().Should().Be(fromScript.IdToken["https://t/event"]!.GetValue<string>());
        fromHost.IdToken["https://t/shape"]!.GetValue<string>().Should().Be(fromScript.IdToken["https://t/shape"]!.GetValue<string>());
    }

    [Fact]
    public void A_getter_on_the_context_runs_once_per_read_as_before()
    {
        using var pipeline = ActionPipeline.Of(
            ("getter", """
                function (user, context, callback) {
                  let reads = 0;
                  Object.defineProperty(context, 'clientName', { get() { reads++; return 'read ' + reads; }, enumerable: true, configurable: true });
                  callback(null, user, context);
                }
                """),
            ("action", "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://t/name', event.client.name); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.IdToken["https://t/name"]!.GetValue<string>().Should().Be("read 1");
    }

    [Fact]
    public void A_proxy_scope_list_is_read_as_an_array_as_before()
    {
        using var pipeline = ActionPipeline.Of(
            ("proxy", "function (user, context, callback) { context.request.query.scope = new Proxy(['openid', '', 'email'], {}); callback(null, user, context); }"),
            ("action", "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://t/scopes', event.transaction.requested_scopes); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: """{ "request": { "query": { "scope": "openid" } } }"""));

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://t/scopes"]!.ToJsonString().Should().Be("""["openid","email"]""");
    }

    [Fact]
    public void A_long_scope_list_is_read_by_eventFor_with_the_same_result()
    {
        using var pipeline = ActionPipeline.Of(
            ("long", "function (user, context, callback) { context.request.query.scope = Array.from({ length: 100 }, (_, i) => i % 2 ? 's' + i : ''); callback(null, user, context); }"),
            ("action", "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://t/scopes', event.transaction.requested_scopes.length); };"));

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: """{ "request": { "query": { "scope": "openid" } } }"""));

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://t/scopes"]!.GetValue<double>().Should().Be(50);
    }

    [Fact]
    public void Each_action_gets_a_fresh_event_that_reflects_the_context_as_it_is_then()
    {
        // What an action writes to its own event stays there (Auth0 hands each action its own event); what a rule
        // changes on the context between two actions, the next event shows.
        using var pipeline = ActionPipeline.Of(
            ("first", """
                exports.onExecutePostLogin = async (event, api) => {
                  event.client.name = 'changed by the first action';
                  event.transaction.requested_scopes.push('admin');
                  event.extra = true;
                  api.idToken.setCustomClaim('https://t/first', event.client.name);
                };
                """),
            ("rule", "function (user, context, callback) { context.clientName = 'renamed by a rule'; callback(null, user, context); }"),
            ("second", """
                exports.onExecutePostLogin = async (event, api) => {
                  api.idToken.setCustomClaim('https://t/second', [event.client.name, event.transaction.requested_scopes.includes('admin'), 'extra' in event]);
                };
                """));

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: """{ "clientName": "App", "request": { "query": { "scope": "openid" } } }"""));

        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.Message);
        outcome.IdToken["https://t/first"]!.GetValue<string>().Should().Be("changed by the first action");
        outcome.IdToken["https://t/second"]!.ToJsonString().Should().Be("""["renamed by a rule",false,false]""");
    }

    [Fact]
    public void Consecutive_actions_get_distinct_events_sharing_the_same_user()
    {
        using var pipeline = ActionPipeline.Of(
            ("first", "exports.onExecutePostLogin = async (event, api) => { global.firstEvent = event; };"),
            ("second", """
                exports.onExecutePostLogin = async (event, api) => {
                  api.idToken.setCustomClaim('https://t/same', [global.firstEvent === event, global.firstEvent.user === event.user,
                    global.firstEvent.request.query === event.request.query, global.firstEvent.client === event.client]);
                };
                """));

        var outcome = pipeline.Execute(PipelineFactory.Login(contextJson: """{ "request": { "query": { "scope": "openid" } } }"""));

        outcome.IdToken["https://t/same"]!.ToJsonString().Should().Be("[false,true,true,false]");
    }
}

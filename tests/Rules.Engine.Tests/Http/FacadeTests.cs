using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FluentAssertions;
using Rules.Engine.Pipeline;
using Xunit;

namespace Rules.Engine.Tests.Http;

/// <summary>
/// Each HTTP facade against a loopback fake: a rule calls BASE + path, catches whatever happens and puts what it saw on
/// the ID token as `result`: { status, body } or { error: code }. Errors must be catchable inside the rule; a response over
/// the byte cap denies the login as a limit even when the rule catches it.
/// </summary>
public sealed class FacadeTests : IAsyncLifetime
{
    private FakeHttpService _fake = null!;
    private int _closedPort;

    public static TheoryData<string> Facades => ["request", "request-promise", "axios", "node-fetch", "fetch-action"];

    private static readonly Dictionary<string, string> Scripts = new()
    {
        ["request"] = """
            function (user, context, callback) {
              const request = require('request');
              request.get({ url: configuration.BASE + context.request.query.path, json: true }, function (err, response, body) {
                context.idToken.result = err ? { error: err.code } : { status: response.statusCode, body: body };
                callback(null, user, context);
              });
            }
            """,
        ["request-promise"] = """
            function (user, context, callback) {
              const rp = require('request-promise');
              rp({ uri: configuration.BASE + context.request.query.path, json: true })
                .then(function (body) { context.idToken.result = { status: 200, body: body }; })
                .catch(function (err) { context.idToken.result = err.name === 'StatusCodeError' ? { status: err.statusCode, body: err.error } : { error: err.code }; })
                .then(function () { callback(null, user, context); });
            }
            """,
        ["axios"] = """
            function (user, context, callback) {
              const axios = require('axios');
              axios.get(configuration.BASE + context.request.query.path)
                .then(function (r) { context.idToken.result = { status: r.status, body: r.data }; })
                .catch(function (e) { context.idToken.result = e.response ? { status: e.response.status, body: e.response.data } : { error: e.code }; })
                .then(function () { callback(null, user, context); });
            }
            """,
        ["node-fetch"] = """
            async function (user, context, callback) {
              const fetch = require('node-fetch');
              try {
                const r = await fetch(configuration.BASE + context.request.query.path);
                context.idToken.result = { status: r.status, body: await r.json() };
              } catch (e) {
                context.idToken.result = { error: e.code };
              }
              callback(null, user, context);
            }
            """,
        ["fetch-action"] = """
            exports.onExecutePostLogin = async (event, api) => {
              try {
                const r = await fetch(event.secrets.BASE + event.request.query.path);
                api.idToken.setCustomClaim('result', { status: r.status, body: await r.json() });
              } catch (e) {
                api.idToken.setCustomClaim('result', { error: e.code });
              }
            };
            """,
    };

    public Task InitializeAsync()
    {
        _fake = new FakeHttpService(request => request.Target switch
        {
            "/ok" => FakeResponse.Json(200, """{"name":"Priya"}"""),
            "/missing" => FakeResponse.Json(404, """{"error":"not found"}"""),
            "/broken" => FakeResponse.Json(500, """{"error":"crm down"}"""),
            "/slow" => FakeResponse.Json(200, "{}", delayMs: 10_000),
            "/drip" => FakeResponse.Json(200, new string(' ', 150) + "{}", dripMs: 25),
            "/big" => FakeResponse.Json(200, $"\"{new string('x', 5000)}\""),
            _ => FakeResponse.Json(418, "{}"),
        });
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private async Task<Outcome> Run(string facade, string path, string? origin = null)
    {
        origin ??= _fake.Origin;
        using var pipeline = HttpPipelines.Create([_fake.Origin, $"http://127.0.0.1:{_closedPort}"], new Dictionary<string, string> { ["BASE"] = origin }, Scripts[facade]);
        var context = $$"""{ "clientID": "app", "request": { "query": { "path": "{{path}}" } } }""";
        return await pipeline.ExecuteAsync(PipelineFactory.Login(contextJson: context));
    }

    private static JsonNode? Result(Outcome outcome)
    {
        outcome.IsAllowed.Should().BeTrue(outcome.Failure?.ToString());
        return outcome.IdToken["result"];
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task Success_gives_the_status_and_parsed_body(string facade)
    {
        var outcome = await Run(facade, "/ok");

        Result(outcome)!.ToJsonString().Should().Be("""{"status":200,"body":{"name":"Priya"}}""");
        _fake.Received.Should().ContainSingle().Which.Target.Should().Be("/ok");
        outcome.HttpCalls.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Method = "GET", Path = "/ok", Status = 200, Host = _fake.Origin });
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task Client_and_server_errors_reach_the_rule_with_their_body(string facade)
    {
        Result(await Run(facade, "/missing"))!.ToJsonString().Should().Be("""{"status":404,"body":{"error":"not found"}}""");
        Result(await Run(facade, "/broken"))!.ToJsonString().Should().Be("""{"status":500,"body":{"error":"crm down"}}""");
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_timeout_is_an_error_the_rule_can_catch(string facade)
    {
        var outcome = await Run(facade, "/slow");

        Result(outcome)!["error"]!.GetValue<string>().Should().Be(facade == "axios" ? "ECONNABORTED" : "ETIMEDOUT");
        outcome.HttpCalls.Single().Error.Should().Be("ETIMEDOUT");
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_slow_drip_body_times_out_mid_body(string facade)
    {
        // Headers go out at once; the 152-byte body drips a byte every 25 ms (≥ 3.8 s) against the 1.5 s call timeout,
        // so the timeout has to cut the call while the body is still arriving, not while it waits for headers.
        var outcome = await Run(facade, "/drip");
        var bodyBytesWhenCut = _fake.BodyBytesSent.GetValueOrDefault("/drip");

        Result(outcome)!["error"]!.GetValue<string>().Should().Be(facade == "axios" ? "ECONNABORTED" : "ETIMEDOUT");
        outcome.HttpCalls.Single().Error.Should().Be("ETIMEDOUT");
        _fake.HeadersSent.Should().Contain("/drip");
        bodyBytesWhenCut.Should().BeGreaterThan(0).And.BeLessThan(152);
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task Connection_refused_is_an_error_the_rule_can_catch(string facade)
    {
        var outcome = await Run(facade, "/ok", $"http://127.0.0.1:{_closedPort}");

        Result(outcome)!["error"]!.GetValue<string>().Should().Be("ECONNREFUSED");
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_body_over_the_cap_denies_the_login_naming_the_limit_even_when_caught(string facade)
    {
        var outcome = await Run(facade, "/big");

        outcome.IsAllowed.Should().BeFalse();
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be("MaxHttpResponseBytes");
        outcome.HttpCalls.Single().Error.Should().Be("ERR_RESPONSE_TOO_LARGE");
    }

    [Theory]
    [MemberData(nameof(Facades))]
    public async Task A_host_outside_the_allow_list_is_refused_inside_the_rule_and_receives_nothing(string facade)
    {
        await using var other = new FakeHttpService();

        var outcome = await Run(facade, "/ok", other.Origin);

        Result(outcome)!["error"]!.GetValue<string>().Should().Be("ERR_EGRESS_DENIED");
        other.Received.Should().BeEmpty();
        outcome.HttpCalls.Single().Error.Should().Be("ERR_EGRESS_DENIED");
    }
}

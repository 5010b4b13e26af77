using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Modules;

/// <summary>
/// Every built-in module call rules can make, run in a rule and compared with what Node 20 returned for the same code
/// (tools/module-fixtures.js wrote node-fixtures.json; Node is not needed to run these).
/// </summary>
public sealed class BuiltInModuleTests
{
    private static readonly JsonObject Fixtures = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Modules", "node-fixtures.json")))!.AsObject();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var item in Fixtures["cases"]!.AsArray())
        {
            data.Add(item!["name"]!.GetValue<string>());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_node(string name)
    {
        var item = Fixtures["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;
        var actual = RunInRule(item["code"]!.GetValue<string>());
        actual.Should().Be(item["expected"]!.GetValue<string>(), because: item["code"]!.GetValue<string>());
    }

    /// <summary>The case's code runs as a function (require, KEYS, Buffer) inside a rule; what it returns (or throws) comes back as JSON text.</summary>
    internal static string RunInRule(string code)
    {
        var keys = Fixtures["keys"]!.ToJsonString();
        var rule = $$"""
            function (user, context, callback) {
              const KEYS = {{keys}};
              const report = (value) => { context.idToken['https://example.com/result'] = JSON.stringify(value === undefined ? null : value); callback(null, user, context); };
              const fail = (e) => report({ thrown: e.name + ': ' + e.message });
              try {
                Promise.resolve((function (require, KEYS, Buffer) {
            {{code}}
                })(require, KEYS, Buffer)).then(report, fail);
              } catch (e) { fail(e); }
            }
            """;
        var outcome = PipelineFactory.Create(rule).Execute(PipelineFactory.Login(now: DateTimeOffset.UtcNow));
        outcome.Decision.Should().Be(Decision.Allow, because: outcome.Failure?.Message ?? outcome.ErrorDescription);
        return outcome.IdToken["https://example.com/result"]!.GetValue<string>();
    }
}

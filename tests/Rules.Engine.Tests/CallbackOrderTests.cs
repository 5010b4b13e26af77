using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>
/// The order of callback, throw and rejection decides a rule as it did in Node, where Auth0 ran rules: the first
/// callback wins, and a script error after it is logged, not fatal. The expected decisions were recorded from Node by
/// tools/node-fixtures/callback-order.js into Fixtures/callback-order.json.
/// </summary>
public sealed class CallbackOrderTests
{
    private static readonly JsonObject Recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(
        SampleRuleSetTests.SampleRuleSet.FindRepositoryRoot(), "tests", "Rules.Engine.Tests", "Fixtures", "callback-order.json")))!.AsObject();

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var item in Recorded["cases"]!.AsArray())
        {
            names.Add(item!["name"]!.GetValue<string>());
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decides_as_Node_did(string name)
    {
        var recorded = Recorded["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;
        using var pipeline = PipelineFactory.Create(recorded["source"]!.GetValue<string>());

        var outcome = pipeline.Execute(PipelineFactory.Login());

        var json = OutcomeJson.Serialize(outcome);
        outcome.Decision.Should().Be(recorded["decision"]!.GetValue<string>() == "allow" ? Decision.Allow : Decision.Deny, json);
        if (recorded["kind"] is { } kind)
        {
            OutcomeJson.Serialize(outcome).Should().Contain($"\"kind\": \"{kind.GetValue<string>()}\"");
        }
        if (outcome.Decision == Decision.Deny && recorded["message"] is { } message)
        {
            (outcome.Failure?.Message ?? outcome.ErrorDescription).Should().Contain(message.GetValue<string>(), json);
        }
    }

    [Fact]
    public void A_throw_after_callback_is_logged_with_its_message()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { callback(null, user, context); throw new Error('after callback'); }",
            "function (user, context, callback) { context.idToken['https://example.com/second'] = true; callback(null, user, context); }");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow);
        outcome.IdToken.Should().ContainKey("https://example.com/second", "the rules after it still run");
        outcome.Logs.Should().ContainSingle(l => l.Contains("rule 'rule1' threw after calling callback") && l.Contains("Error: after callback"));
    }

    [Fact]
    public void A_denying_callback_is_not_undone_by_a_later_throw()
    {
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { callback(new UnauthorizedError('no')); throw new Error('after'); }");

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.ErrorDescription.Should().Be("no");
    }
}

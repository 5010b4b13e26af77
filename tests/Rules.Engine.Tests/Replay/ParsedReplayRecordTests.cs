using System.Text;
using Rules.Engine.Replay;

namespace Rules.Engine.Tests.Replay;

/// <summary>
/// The runner parses a record once from its bytes (ParsedReplayRecord); ReplayRecord.Parse, which builds node trees, is
/// the oracle for what is a record and what is not, and for each refusal's message.
/// </summary>
public sealed class ParsedReplayRecordTests
{
    private const string User = """{ "user_id": "u1", "email": "a@example.com" }""";

    public static TheoryData<string> Records() =>
    [
        """{ "id": "r1", "transaction": { "user": {{User}}, "context": { "clientID": "c" }, "now": "2026-11-01T10:00:00Z" } }""".Replace("{{User}}", User),
        """{ "user": {{User}} }""".Replace("{{User}}", User),
        """{ "user": null }""",
        """{ "transaction": null, "user": {{User}} }""".Replace("{{User}}", User),
        """{ "id": 5, "transaction": { "user": {{User}}, "context": null, "now": null }, "outcome": null }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}} }, "outcome": { "decision": "deny", "rule": "r", "kind": "rule_denied" } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}} }, "outcome": { "decision": "maybe" } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}} }, "outcome": { "decision": 1 } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}} }, "outcome": [] }""".Replace("{{User}}", User),
        """{ "transaction": { "user": { "impersonated": true } } }""",
        """{ "transaction": { "user": { "impersonated": true, "impersonator": { "user_id": "x" } } } }""",
        """{ "transaction": { "user": { "impersonated": "yes" } } }""",
        """{ "transaction": { "user": {{User}}, "now": "yesterday" } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}}, "now": 5 } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": {{User}}, "context": [] } }""".Replace("{{User}}", User),
        """{ "transaction": { "user": "bob" } }""",
        """{ "transaction": { "context": {} } }""",
        """{ "transaction": [1] }""",
        """{ "id": "x" }""",
        """[1, 2]""",
        """ "text" """,
        """{ "id": "x", "transaction": """,
        """{ not json""",
        """{ "a": 1 } trailing""",
        """{ "a": 1, }""",
        """{ "a": 1 } // comment""",
        string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)),
        """{ "user": {{User}}, "deep": {{Deep}} }""".Replace("{{User}}", User).Replace("{{Deep}}", string.Concat(Enumerable.Repeat("[", 64)) + string.Concat(Enumerable.Repeat("]", 64))),
        "",
    ];

    [Theory]
    [MemberData(nameof(Records))]
    public void Accepts_and_refuses_what_ReplayRecord_Parse_does_with_the_same_message(string text)
    {
        string? expected = null;
        ReplayRecord? record = null;
        try
        {
            record = ReplayRecord.Parse(new ReplayInput("log.jsonl", 1, text));
        }
        catch (ReplayFormatException e)
        {
            expected = e.Message;
        }

        string? actual = null;
        try
        {
            using var parsed = ParsedReplayRecord.Parse(Encoding.UTF8.GetBytes(text));
            parsed.Id.Should().Be(record!.Id);
            parsed.Seed(1).Should().Be(record.Seed);
            parsed.Transaction.User.ToJsonString().Should().Be(record.Transaction.User.ToJsonString());
            parsed.Transaction.Context.ToJsonString().Should().Be(record.Transaction.Context.ToJsonString());
            parsed.Transaction.Now.Should().Be(record.Transaction.Now);
            (parsed.RecordedOutcome is null).Should().Be(record.RecordedOutcome is null);
            if (parsed.RecordedOutcome is { } outcome)
            {
                System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(outcome.GetRawText()), record.RecordedOutcome).Should().BeTrue();
            }
        }
        catch (ReplayFormatException e)
        {
            actual = e.Message;
        }

        actual.Should().Be(expected);
    }

    [Theory]
    [InlineData("""{ "id": "a", "id": "b", "user": {} }""", "the record has the property \"id\" twice")]
    [InlineData("""{ "transaction": { "user": {}, "user": {} } }""", "\"transaction\" has the property \"user\" twice")]
    [InlineData("""{ "transaction": { "user": { "email": "a", "name": "n", "email": "b" } } }""", "\"user\" has the property \"email\" twice")]
    [InlineData("""{ "transaction": { "user": { "e\u0041": 1, "eA": 2 } } }""", "\"user\" has the property \"eA\" twice")]
    [InlineData("""{ "user": {}, "outcome": { "decision": "allow", "idToken": {}, "idToken": {} } }""", "\"outcome\" has the property \"idToken\" twice")]
    public void A_property_given_twice_where_the_node_parse_stopped_the_run_makes_the_record_malformed(string text, string message)
    {
        // JsonObject throws ArgumentException on these when it is read, which escaped the old runner and ended the run.
        var parse = () => ParsedReplayRecord.Parse(Encoding.UTF8.GetBytes(text));

        parse.Should().Throw<ReplayFormatException>().WithMessage(message);
    }

    [Fact]
    public void A_property_given_twice_deeper_in_the_user_is_left_to_the_runtime_as_before()
    {
        using var parsed = ParsedReplayRecord.Parse(Encoding.UTF8.GetBytes("""{ "user": { "app_metadata": { "a": 1, "a": 2 } } }"""));

        parsed.Transaction.User.Should().ContainKey("app_metadata");
    }
}

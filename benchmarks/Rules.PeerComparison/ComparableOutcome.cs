using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.PeerComparison;

/// <summary>
/// The part of an outcome every engine must agree on before anything is timed: decision, deciding rule, error,
/// error_description, the ID and access token claims, metadata updates and console lines. Timings, the user
/// profile and the rule-set version are left out (engines differ in those by design, not by decision).
/// </summary>
public static class ComparableOutcome
{
    public static JsonObject From(Outcome outcome) => new()
    {
        ["decision"] = outcome.IsAllowed ? "allow" : "deny",
        ["rule"] = outcome.IsAllowed ? null : outcome.Rule,
        ["error"] = outcome.IsAllowed ? null : outcome.Error,
        ["error_description"] = outcome.IsAllowed ? null : outcome.ErrorDescription,
        ["idToken"] = outcome.IdToken.DeepClone(),
        ["accessToken"] = outcome.AccessToken.DeepClone(),
        ["metadataUpdates"] = new JsonArray(outcome.MetadataUpdates.Select(u => (JsonNode)new JsonObject
        {
            ["kind"] = OutcomeJson.MetadataKindName(u.Kind),
            ["user_id"] = u.UserId,
            ["metadata"] = u.Metadata.DeepClone(),
            ["rule"] = u.Rule,
        }).ToArray()),
        ["logs"] = new JsonArray(outcome.Logs.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
    };

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>One text per outcome, independent of key order and of how a number was written (42 vs 42.0).</summary>
    public static string Canonical(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    /// <summary>Null when the two agree; else a one-line description of the first difference.</summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual)
    {
        var a = Canonical(expected);
        var b = Canonical(actual);
        if (a == b)
        {
            return null;
        }
        var at = 0;
        while (at < a.Length && at < b.Length && a[at] == b[at]) at++;
        var from = Math.Max(0, at - 60);
        return $"differs at character {at}: expected …{a[from..Math.Min(a.Length, at + 60)]}… but got …{b[from..Math.Min(b.Length, at + 60)]}…";
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(JsonSerializer.Serialize(key)).Append(':');
                    Write(value, text);
                    text.Append(',');
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                foreach (var item in array)
                {
                    Write(item, text);
                    text.Append(',');
                }
                text.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.Number:
                        text.Append(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case JsonValueKind.String:
                        text.Append(JsonSerializer.Serialize(value.GetValue<string>()));
                        break;
                    default:
                        text.Append(value.ToJsonString());
                        break;
                }
                break;
        }
    }
}

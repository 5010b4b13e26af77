using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Host.Storage;

/// <summary>How JSON values are stored in TEXT columns: one place, so every table reads them back the same way.</summary>
public static class JsonColumns
{
    public static string Write(JsonNode? node) => node?.ToJsonString() ?? "null";

    public static string WriteList(IEnumerable<string> values) => JsonSerializer.Serialize(values.ToArray());

    public static JsonObject ReadObject(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonNode.Parse(json) as JsonObject ?? [];

    public static IReadOnlyList<string> ReadList(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];

    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");

    public static DateTimeOffset ReadTimestamp(string value) =>
        DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
}

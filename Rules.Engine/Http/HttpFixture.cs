using System.Text.Json.Nodes;

namespace Rules.Engine.Http;

/// <summary>
/// One canned exchange for <c>rules test</c> cases and <c>rules eval --http</c>:
/// <c>{ "request": { "method", "url", "json" | "body" }, "response": { "status", "json" | "body", "headers", "delayMs" } }</c>
/// or <c>{ "request": {...}, "error": "ECONNREFUSED" }</c>. A request matches on method (when given), the whole URL
/// (query included) and, when given, the JSON body compared as JSON or the text body exactly.
/// </summary>
public sealed record HttpFixture(
    string? Method,
    Uri Url,
    JsonNode? Json,
    string? Body,
    int Status,
    string ResponseBody,
    IReadOnlyDictionary<string, string> Headers,
    int DelayMs,
    string? Error)
{
    /// <summary>True when this fixture answers <paramref name="request"/>: same method (when the fixture names one), same URL and query, and the same body when the fixture gives one.</summary>
    public bool Matches(RuleHttpRequest request)
    {
        if (Method is not null && !Method.Equals(request.Method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!Uri.Equals(Url, request.Url) || Url.Query != request.Url.Query)
        {
            return false;
        }
        if (Body is not null && Body != request.Body)
        {
            return false;
        }
        if (Json is not null)
        {
            try
            {
                return request.Body is not null && JsonNode.DeepEquals(Json, JsonNode.Parse(request.Body));
            }
            catch (System.Text.Json.JsonException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads a JSON array of fixtures; <paramref name="where"/> prefixes every error (file:line, case).</summary>
    public static IReadOnlyList<HttpFixture> ParseList(JsonNode? node, string where)
    {
        if (node is not JsonArray array)
        {
            throw new FormatException($"{where}: \"http\" must be an array of fixtures, each {{ \"request\": {{ \"method\", \"url\" }}, \"response\": {{ \"status\", \"json\" }} }} or {{ \"request\": {{...}}, \"error\": \"ECONNREFUSED\" }}");
        }
        return array.Select((item, i) => Parse(item, $"{where}: http[{i}]")).ToArray();
    }

    private static HttpFixture Parse(JsonNode? node, string where)
    {
        if (node is not JsonObject fixture || fixture["request"] is not JsonObject request)
        {
            throw new FormatException($"{where} needs a \"request\" object with a \"url\"");
        }
        if (request["url"] is not JsonValue urlValue || !urlValue.TryGetValue<string>(out var urlText)
            || !Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"{where}: request.url must be an absolute http or https URL");
        }
        var method = request["method"] is JsonValue m && m.TryGetValue<string>(out var methodText) ? methodText.ToUpperInvariant() : null;
        var requestBody = request["body"] is JsonValue b && b.TryGetValue<string>(out var bodyText) ? bodyText : null;

        if (fixture["error"] is JsonValue errorValue)
        {
            if (!errorValue.TryGetValue<string>(out var error) || error.Length == 0)
            {
                throw new FormatException($"{where}: \"error\" must be a code such as \"ECONNREFUSED\", \"ETIMEDOUT\" or \"ENOTFOUND\"");
            }
            return new HttpFixture(method, url, request["json"]?.DeepClone(), requestBody, 0, "", new Dictionary<string, string>(), 0, error);
        }
        if (fixture["response"] is not JsonObject response)
        {
            throw new FormatException($"{where} needs a \"response\" object (status, json or body) or an \"error\" code");
        }

        var status = 200;
        if (response["status"] is JsonValue statusValue && (!statusValue.TryGetValue(out status) || status is < 100 or > 599))
        {
            throw new FormatException($"{where}: response.status must be an HTTP status from 100 to 599");
        }
        var delay = 0;
        if (response["delayMs"] is JsonValue delayValue && (!delayValue.TryGetValue(out delay) || delay < 0))
        {
            throw new FormatException($"{where}: response.delayMs must be zero or more");
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response["headers"] is JsonObject headerObject)
        {
            foreach (var (name, value) in headerObject)
            {
                headers[name.ToLowerInvariant()] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? "";
            }
        }
        string body;
        if (response["json"] is { } json)
        {
            body = json.ToJsonString();
            headers.TryAdd("content-type", "application/json");
        }
        else
        {
            body = response["body"] is JsonValue rb && rb.TryGetValue<string>(out var text) ? text : "";
        }
        return new HttpFixture(method, url, request["json"]?.DeepClone(), requestBody, status, body, headers, delay, null);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>
/// Reads typed fields out of a request body with Auth0's "Payload validation error" messages. The first error
/// wins and later reads return defaults, so a validator reads every field and then checks <see cref="Error"/> once.
/// </summary>
internal sealed class PayloadReader(JsonObject body)
{
    public Auth0Error? Error { get; private set; }

    public bool Has(string name) => body.ContainsKey(name);

    /// <summary>True when the field is present with the JSON value null (Auth0: "remove this attribute").</summary>
    public bool IsNull(string name) => body.TryGetPropertyValue(name, out var value) && value is null;

    public PayloadReader AllowOnly(params string[] allowed)
    {
        var unknown = body.Select(p => p.Key).Where(k => !allowed.Contains(k, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            Fail($"Payload validation error: 'Additional properties not allowed: {string.Join(",", unknown)}'.");
        }
        return this;
    }

    public PayloadReader RequireAny()
    {
        if (body.Count == 0)
        {
            Fail("Payload validation error: 'Too few properties defined (0), minimum 1'.");
        }
        return this;
    }

    public string? String(string name, bool required = false, bool nullable = false, int maxLength = 1024)
    {
        if (!Present(name, required, nullable, out var node))
        {
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return TypeError<string>(name, "string", node);
        }
        var text = value.GetValue<string>();
        if (text.Length == 0)
        {
            return Fail<string>($"Payload validation error: 'String is too short (0 chars), minimum 1' on property {name}.");
        }
        if (text.Length > maxLength)
        {
            return Fail<string>($"Payload validation error: 'String is too long ({text.Length} chars), maximum {maxLength}' on property {name}.");
        }
        return text;
    }

    public bool? Boolean(string name, bool required = false)
    {
        if (!Present(name, required, nullable: false, out var node))
        {
            return null;
        }
        return node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValue<bool>()
            : TypeError<bool?>(name, "boolean", node);
    }

    public long? Integer(string name, long minimum = long.MinValue, long maximum = long.MaxValue)
    {
        if (!Present(name, required: false, nullable: false, out var node))
        {
            return null;
        }
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<long>(out var number))
        {
            return TypeError<long?>(name, "integer", node);
        }
        if (number < minimum || number > maximum)
        {
            return Fail<long?>($"Payload validation error: 'Value {number} is out of range [{minimum}, {maximum}]' on property {name}.");
        }
        return number;
    }

    public JsonObject? Object(string name)
    {
        if (!Present(name, required: false, nullable: false, out var node))
        {
            return null;
        }
        return node is JsonObject obj ? (JsonObject)obj.DeepClone() : TypeError<JsonObject>(name, "object", node);
    }

    public static string TypeName(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => value.TryGetValue<long>(out _) ? "integer" : "number",
            _ => "null",
        },
        _ => "unknown",
    };

    public T? Fail<T>(string message)
    {
        Fail(message);
        return default;
    }

    public void Fail(string message) => Error ??= Auth0Error.BadRequest(message);

    private bool Present(string name, bool required, bool nullable, out JsonNode? node)
    {
        node = null;
        if (Error is not null)
        {
            return false;
        }
        if (!body.TryGetPropertyValue(name, out node))
        {
            if (required)
            {
                Fail($"Payload validation error: 'Missing required property: {name}'.");
            }
            return false;
        }
        if (node is null)
        {
            if (!nullable)
            {
                Fail($"Payload validation error: 'Expected a value but found type null' on property {name}.");
            }
            return false;
        }
        return true;
    }

    private T? TypeError<T>(string name, string expected, JsonNode? node) =>
        Fail<T>($"Payload validation error: 'Expected type {expected} but found type {TypeName(node)}' on property {name}.");
}

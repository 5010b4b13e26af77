using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;

namespace Rules.Engine.Runtime;

/// <summary>
/// Moves login data between System.Text.Json nodes and Jint values without a JSON text round trip:
/// this runs twice per login, so it is on the hot path.
/// </summary>
internal static class JsonBridge
{
    public const int MaxDepth = 64;

    /// <summary>Upper bound on nodes read back out of a rule's objects, so a huge graph cannot stall the host.</summary>
    public const int MaxNodes = 200_000;

    public static JsValue ToJs(Jint.Engine engine, JsonNode? node) => node switch
    {
        null => JsValue.Null,
        JsonObject obj => new LazyJsonObject(engine, obj),
        JsonArray array => ToJsArray(engine, array),
        JsonValue value => ToJsPrimitive(value),
        _ => JsValue.Undefined,
    };

    /// <summary>An object converted now (its own properties; nested objects still convert on first touch).</summary>
    public static JsObject ToJsObject(Jint.Engine engine, JsonObject source)
    {
        var target = new JsObject(engine);
        foreach (var (key, value) in source)
        {
            target.FastSetDataProperty(key, ToJs(engine, value));
        }
        return target;
    }

    private static JsArray ToJsArray(Jint.Engine engine, JsonArray source)
    {
        var items = new JsValue[source.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = ToJs(engine, source[i]);
        }
        return new JsArray(engine, items);
    }

    private static JsValue ToJsPrimitive(JsonValue value)
    {
        // Values parsed from JSON text are backed by a JsonElement: read its kind once and decode once, instead of
        // GetValueKind() plus GetValue<T>() re-reading the element for each (this runs for every value of every login).
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return FromElement(element);
        }
        if (value.TryGetValue<string>(out var text))
        {
            return new JsString(text);
        }
        if (value.TryGetValue<bool>(out var flag))
        {
            return flag ? JsBoolean.True : JsBoolean.False;
        }
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                if (value.TryGetValue<double>(out var d)) return JsNumber.Create(d);
                if (value.TryGetValue<long>(out var l)) return JsNumber.Create(l);
                if (value.TryGetValue<int>(out var i)) return JsNumber.Create(i);
                if (value.TryGetValue<decimal>(out var m)) return JsNumber.Create(m);
                return JsNumber.Create(double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
            case JsonValueKind.String:
                return new JsString(value.GetValue<string>());
            case JsonValueKind.True:
                return JsBoolean.True;
            case JsonValueKind.False:
                return JsBoolean.False;
            default:
                return JsValue.Null;
        }
    }

    private static JsValue FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new JsString(element.GetString()!),
        JsonValueKind.True => JsBoolean.True,
        JsonValueKind.False => JsBoolean.False,
        JsonValueKind.Number => element.TryGetDouble(out var d)
            ? JsNumber.Create(d)
            : JsNumber.Create(double.Parse(element.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)),
        _ => JsValue.Null,
    };

    /// <summary>
    /// Reads a rule's value back as JSON, the way JSON.stringify would see it, except that only own
    /// data properties are read: accessors are skipped so that reading an outcome never runs rule code.
    /// </summary>
    public static JsonNode? ToJson(JsValue value)
    {
        var budget = MaxNodes;
        return ToJson(value, 0, ref budget);
    }

    /// <summary>True when <paramref name="value"/> has no JSON form (undefined, functions, symbols).</summary>
    public static bool IsOmitted(JsValue value) =>
        value.Type is Types.Undefined or Types.Symbol || value.IsCallable();

    private static JsonNode? ToJson(JsValue value, int depth, ref int budget)
    {
        if (--budget < 0)
        {
            throw new OutcomeConversionException($"the value has more than {MaxNodes} parts");
        }

        switch (value.Type)
        {
            case Types.Null:
            case Types.Undefined:
            case Types.Symbol:
                return null;
            case Types.Boolean:
                return JsonValue.Create(value.AsBoolean());
            case Types.String:
                return JsonValue.Create(value.ToString());
            case Types.Number:
                var number = value.AsNumber();
                return double.IsFinite(number) ? JsonValue.Create(number) : null;
            case Types.BigInt:
                return JsonValue.Create(value.ToString());
        }

        if (depth >= MaxDepth)
        {
            throw new OutcomeConversionException($"the value is nested deeper than {MaxDepth} levels (or refers to itself)");
        }

        if (value is LazyJsonObject { Untouched: { } untouched })
        {
            // No rule looked inside, so nothing in it changed: the JSON it came from is its JSON. Counted as one
            // node: the node budget bounds what rules build, and this came from the transaction as it was.
            return untouched.DeepClone();
        }

        if (value.IsDate())
        {
            var date = value.AsDate();
            return date.DateValue is var ms && double.IsFinite(ms)
                ? JsonValue.Create(DateTimeOffset.FromUnixTimeMilliseconds((long)ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"))
                : null;
        }

        if (value.IsArray())
        {
            var array = value.AsArray();
            var result = new JsonArray();
            var length = array.Length;
            for (uint i = 0; i < length; i++)
            {
                var item = array.GetOwnProperty(i) is { } descriptor && descriptor.IsDataDescriptor() ? descriptor.Value : JsValue.Undefined;
                result.Add(IsOmitted(item) ? null : ToJson(item, depth + 1, ref budget));
            }
            return result;
        }

        var obj = value.AsObject();
        var node = new JsonObject();
        foreach (var (key, descriptor) in obj.GetOwnProperties())
        {
            if (!key.IsString() || !descriptor.Enumerable || !descriptor.IsDataDescriptor())
            {
                continue;
            }

            var item = descriptor.Value;
            if (IsOmitted(item))
            {
                continue;
            }
            node[key.ToString()] = ToJson(item, depth + 1, ref budget);
        }
        return node;
    }

    /// <summary>Reads a data property without running getters.</summary>
    public static JsValue GetData(ObjectInstance obj, JsValue name) =>
        obj.GetOwnProperty(name) is { } descriptor && descriptor != PropertyDescriptor.Undefined && descriptor.IsDataDescriptor()
            ? descriptor.Value
            : JsValue.Undefined;
}

/// <summary>A rule left a value behind that cannot be turned into JSON.</summary>
internal sealed class OutcomeConversionException(string message) : Exception(message);

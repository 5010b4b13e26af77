using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Rules.Engine.Runtime;

namespace Rules.Engine.Tests;

/// <summary>JSON → JS conversion gives the same JS values whether a value was parsed from text or built in code.</summary>
public sealed class JsonBridgeTests
{
    private const string Parsed = """
        { "s": "text é", "empty": "", "i": 42, "neg": -7, "d": 1.5, "exp": 1e300, "t": true, "f": false, "z": null,
          "a": [1, "two", null, false], "o": { "nested": "yes" } }
        """;

    private static JsonObject Built() => new()
    {
        ["s"] = "text é",
        ["empty"] = "",
        ["i"] = 42,
        ["neg"] = -7L,
        ["d"] = 1.5m,
        ["exp"] = 1e300,
        ["t"] = true,
        ["f"] = false,
        ["z"] = null,
        ["a"] = new JsonArray(1, "two", null, false),
        ["o"] = new JsonObject { ["nested"] = "yes" },
    };

    [Fact]
    public void Parsed_and_built_values_convert_to_the_same_JS_values()
    {
        using var engine = new Jint.Engine();
        var fromText = JsonBridge.ToJsObject(engine, JsonNode.Parse(Parsed)!.AsObject());
        var fromCode = JsonBridge.ToJsObject(engine, Built());

        foreach (var converted in new[] { fromText, fromCode })
        {
            converted.Get("s").Should().Be(new JsString("text é"));
            converted.Get("empty").Should().Be(JsString.Empty);
            converted.Get("i").AsNumber().Should().Be(42);
            converted.Get("neg").AsNumber().Should().Be(-7);
            converted.Get("d").AsNumber().Should().Be(1.5);
            converted.Get("exp").AsNumber().Should().Be(1e300);
            converted.Get("t").Should().Be(JsBoolean.True);
            converted.Get("f").Should().Be(JsBoolean.False);
            converted.Get("z").IsNull().Should().BeTrue();
            engine.SetValue("v", converted);
            engine.Evaluate("JSON.stringify(v.a) + JSON.stringify(v.o)").AsString().Should().Be("""[1,"two",null,false]{"nested":"yes"}""");
        }
    }
}

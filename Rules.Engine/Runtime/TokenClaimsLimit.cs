using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

/// <summary>
/// Caps the bytes of custom claims rules put on each token (<see cref="Sandbox.SandboxOptions.MaxTokenClaimsBytes"/>):
/// browsers, proxies and URL fragments choke on large tokens long before a rule runs out of memory. A token's size is
/// its claims as one compact JSON object in UTF-8. One per runtime, so the buffer is reused and never shared.
/// </summary>
internal sealed class TokenClaimsLimit(int maxBytes)
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new();
    private Utf8JsonWriter? _writer;

    /// <summary>
    /// A <c>limit</c> denial naming the token and its largest claim, or null when both tokens fit. It is charged to
    /// <paramref name="lastRule"/>, the rule whose callback handed over the tokens last: the claims are measured once,
    /// when the pipeline ends, not after every rule, so an earlier rule may have set the claim (the message says so).
    /// </summary>
    public Denial? Check(JsonObject idToken, JsonObject accessToken, CompiledRule? lastRule) =>
        Check(idToken, "ID token", lastRule) ?? Check(accessToken, "access token", lastRule);

    private Denial? Check(JsonObject claims, string token, CompiledRule? lastRule)
    {
        if (claims.Count == 0)
        {
            return null;
        }
        var total = Measure(claims);
        if (total <= maxBytes)
        {
            return null;
        }

        var (largest, largestBytes) = claims.Select(claim => (claim.Key, Bytes: Measure(claim.Key, claim.Value))).MaxBy(claim => claim.Bytes);
        var rule = lastRule?.Name ?? "";
        var what = $"the {token}'s custom claims take {total:N0} bytes, over the limit of {maxBytes:N0} (largest: claim '{largest}', "
            + $"{largestBytes:N0} bytes), measured when rule '{rule}' called back; the claim may have been set by an earlier rule";
        return new Denial(DenialKind.Limit, rule, "access_denied", DenialDescriptions.Failed($"claim '{largest}' makes the {token} too large"),
            new RuleFailure($"sandbox limit MaxTokenClaimsBytes tripped: {what}", lastRule?.Source.File, Limit: "MaxTokenClaimsBytes"));
    }

    private int Measure(JsonObject claims)
    {
        var writer = Start();
        claims.WriteTo(writer);
        writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>One claim as it would stand alone: <c>{"name":value}</c>.</summary>
    private int Measure(string name, JsonNode? value)
    {
        var writer = Start();
        writer.WriteStartObject();
        writer.WritePropertyName(name);
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            value.WriteTo(writer);
        }
        writer.WriteEndObject();
        writer.Flush();
        return _buffer.WrittenCount;
    }

    // A runtime whose claims went over the limit is discarded (Broken), so the buffer never keeps an oversized token.
    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(_buffer, Compact);
        }
        else
        {
            _writer.Reset(_buffer);
        }
        return _writer;
    }
}

using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>The outcome's JSON form (ARCHITECTURE.md, "Outcome"): the shape <c>rules eval</c> prints and decision logs store.</summary>
public static class OutcomeJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The denial kind as the JSON outcome spells it (<c>rule_denied</c>, <c>rule_error</c>, <c>timeout</c>, <c>limit</c>, <c>busy</c>).</summary>
    public static string KindName(DenialKind kind) => kind switch
    {
        DenialKind.RuleDenied => "rule_denied",
        DenialKind.RuleError => "rule_error",
        DenialKind.Timeout => "timeout",
        DenialKind.Limit => "limit",
        DenialKind.Busy => "busy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The decision as the JSON outcome spells it (<c>allow</c>, <c>deny</c>, <c>redirect</c>).</summary>
    public static string DecisionName(Decision decision) => decision switch
    {
        Decision.Allow => "allow",
        Decision.Deny => "deny",
        Decision.Redirect => "redirect",
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };

    /// <summary>The metadata kind as the JSON outcome spells it (<c>app_metadata</c>, <c>user_metadata</c>).</summary>
    public static string MetadataKindName(MetadataKind kind) => kind == MetadataKind.AppMetadata ? "app_metadata" : "user_metadata";

    /// <summary>The outcome as the JSON <c>rules eval</c> prints (ARCHITECTURE.md); without timings it is stable across runs, for comparing.</summary>
    public static string Serialize(Outcome outcome, bool indented = true, bool includeTimings = true)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, indented ? Indented : Compact))
        {
            Write(writer, outcome, includeTimings);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The outcome's JSON as a node tree, for callers that compare or edit it.</summary>
    public static JsonObject ToJsonObject(Outcome outcome, bool includeTimings = true) =>
        JsonNode.Parse(Serialize(outcome, indented: false, includeTimings))!.AsObject();

    /// <summary>Writes the outcome's JSON to <paramref name="writer"/> without building a string, for hosts that stream it.</summary>
    public static void Write(Utf8JsonWriter writer, Outcome outcome, bool includeTimings = true) =>
        Write(writer, outcome, includeTimings, comparedOnly: false);

    /// <summary>
    /// The outcome's JSON with only the fields replay compares and describes (decision, denial, redirect, mfa, tokens,
    /// metadata updates): replay builds one per record, and the whole user, logs and timings would be most of its cost.
    /// Parsed from the written bytes, so values compare exactly as they do against a recorded outcome.
    /// </summary>
    internal static JsonObject ToComparisonObject(Outcome outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = CreateComparisonWriter(buffer))
        {
            WriteComparison(writer, outcome);
        }
        return JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
    }

    /// <summary>A writer for <see cref="WriteComparison"/>, with the options <see cref="ToComparisonObject"/> writes with; replay keeps one per thread.</summary>
    internal static Utf8JsonWriter CreateComparisonWriter(IBufferWriter<byte> buffer) => new(buffer, Compact);

    /// <summary>The JSON <see cref="ToComparisonObject"/> parses, written to <paramref name="writer"/>.</summary>
    internal static void WriteComparison(Utf8JsonWriter writer, Outcome outcome) =>
        Write(writer, outcome, includeTimings: false, comparedOnly: true);

    private static void Write(Utf8JsonWriter writer, Outcome outcome, bool includeTimings, bool comparedOnly)
    {
        writer.WriteStartObject();
        writer.WriteString("decision", DecisionName(outcome.Decision));
        if (outcome.Redirect is { } redirect)
        {
            // The state is a one-time secret of the live login: never printed or logged.
            writer.WriteString("rule", outcome.Rule);
            writer.WriteString("url", redirect.Url);
        }
        else if (!outcome.IsAllowed)
        {
            writer.WriteString("rule", outcome.Rule);
            writer.WriteString("error", outcome.Error);
            writer.WriteString("error_description", outcome.ErrorDescription);
            writer.WriteString("kind", outcome.Kind is { } kind ? KindName(kind) : null);
            if (outcome.Failure is { } failure)
            {
                WriteFailure(writer, failure);
            }
        }

        writer.WritePropertyName("idToken");
        outcome.IdToken.WriteTo(writer);
        writer.WritePropertyName("accessToken");
        outcome.AccessToken.WriteTo(writer);
        if (!comparedOnly)
        {
            writer.WritePropertyName("user");
            outcome.User.WriteTo(writer);
        }

        if (outcome.Mfa is { } mfa)
        {
            writer.WriteStartObject("mfa");
            writer.WriteString("provider", mfa.Provider);
            writer.WriteBoolean("allowRememberBrowser", mfa.AllowRememberBrowser);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("metadataUpdates");
        foreach (var update in outcome.MetadataUpdates)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", MetadataKindName(update.Kind));
            writer.WriteString("user_id", update.UserId);
            writer.WritePropertyName("metadata");
            update.Metadata.WriteTo(writer);
            writer.WriteString("rule", update.Rule);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();

        if (comparedOnly)
        {
            writer.WriteEndObject();
            return;
        }

        if (outcome.DroppedClaims.Count > 0)
        {
            writer.WriteStartArray("droppedClaims");
            foreach (var dropped in outcome.DroppedClaims)
            {
                writer.WriteStartObject();
                writer.WriteString("token", dropped.Token);
                writer.WriteString("claim", dropped.Claim);
                writer.WriteString("reason", dropped.Reason);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }

        writer.WriteStartArray("logs");
        foreach (var line in outcome.Logs)
        {
            writer.WriteStringValue(line);
        }
        writer.WriteEndArray();

        if (outcome.HttpCalls.Count > 0)
        {
            WriteHttpCalls(writer, outcome.HttpCalls);
        }

        writer.WriteString("ruleSetVersion", outcome.RuleSetVersion);

        if (includeTimings)
        {
            writer.WriteStartObject("timings");
            writer.WriteNumber("totalMs", Math.Round(outcome.Timings.TotalMs, 3));
            writer.WriteStartObject("rules");
            foreach (var timing in outcome.Timings.Rules)
            {
                writer.WriteNumber(timing.Rule, Math.Round(timing.Ms, 3));
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteHttpCalls(Utf8JsonWriter writer, IReadOnlyList<HttpCallRecord> calls)
    {
        writer.WriteStartArray("http");
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("rule", call.Rule);
            writer.WriteString("method", call.Method);
            writer.WriteString("host", call.Host);
            writer.WriteString("path", call.Path);
            if (call.Status is { } status) writer.WriteNumber("status", status); else writer.WriteNull("status");
            writer.WriteNumber("durationMs", Math.Round(call.DurationMs, 3));
            writer.WriteNumber("bytes", call.Bytes);
            if (call.RequestBodySha256 is not null) writer.WriteString("requestBodySha256", call.RequestBodySha256);
            if (call.Error is not null) writer.WriteString("error", call.Error);
            if (call.ResponseBody is not null) writer.WriteString("responseBody", call.ResponseBody);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void WriteFailure(Utf8JsonWriter writer, RuleFailure failure)
    {
        writer.WriteStartObject("failure");
        writer.WriteString("message", failure.Message);
        if (failure.File is not null) writer.WriteString("file", failure.File);
        if (failure.Line is { } line) writer.WriteNumber("line", line);
        if (failure.Column is { } column) writer.WriteNumber("column", column);
        if (failure.SourceLine is not null) writer.WriteString("source", failure.SourceLine);
        if (failure.Limit is not null) writer.WriteString("limit", failure.Limit);
        writer.WriteEndObject();
    }
}

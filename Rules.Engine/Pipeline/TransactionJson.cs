using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Pipeline;

/// <summary>
/// Reads a transaction file: <c>{ "user": {...}, "context": {...}, "now": "ISO-8601" }</c> (ARCHITECTURE.md).
/// Errors are one line naming what is wrong, for <c>rules eval</c> to print as is.
/// </summary>
public static class TransactionJson
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

    /// <summary>Reads a transaction from JSON text; throws <see cref="TransactionFormatException"/> with a one-line message naming <paramref name="sourceName"/> and what is wrong.</summary>
    public static LoginTransaction Parse(string json, string sourceName = "transaction")
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, NodeOptions, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new TransactionFormatException(JsonSyntaxError.Describe(e, json, sourceName));
        }

        return FromNode(root, sourceName);
    }

    /// <summary>Reads a transaction from an already-parsed JSON node (a decision-log record's <c>transaction</c>, a test case); errors as <see cref="Parse"/>.</summary>
    public static LoginTransaction FromNode(JsonNode? root, string sourceName = "transaction")
    {
        if (root is not JsonObject obj)
        {
            throw new TransactionFormatException($"{sourceName}: expected a JSON object with \"user\" and \"context\"");
        }

        var user = obj["user"] switch
        {
            JsonObject u => (JsonObject)u.DeepClone(),
            null => throw new TransactionFormatException($"{sourceName}: \"user\" is missing; it must be an object (the user profile)"),
            _ => throw new TransactionFormatException($"{sourceName}: \"user\" must be an object (the user profile)"),
        };

        var context = obj["context"] switch
        {
            JsonObject c => (JsonObject)c.DeepClone(),
            null => [],
            _ => throw new TransactionFormatException($"{sourceName}: \"context\" must be an object"),
        };

        DateTimeOffset? now = null;
        if (obj["now"] is { } nowNode)
        {
            if (nowNode is not JsonValue nowValue || !nowValue.TryGetValue<string>(out var text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw new TransactionFormatException($"{sourceName}: \"now\" must be an ISO-8601 date-time string, like \"2026-11-18T09:30:00Z\"");
            }
            now = parsed;
        }

        if (user["impersonated"] is JsonValue flag && flag.TryGetValue<bool>(out var impersonated) && impersonated
            && user["impersonator"] is not JsonObject)
        {
            throw new TransactionFormatException($"{sourceName}: an impersonated user needs \"impersonator\": {{ \"user_id\", \"email\" }}");
        }

        return new LoginTransaction(user, context, now);
    }

    /// <summary>The transaction as the JSON <see cref="Parse"/> reads back, as the decision log and redirect state store it.</summary>
    public static JsonObject ToJson(LoginTransaction transaction)
    {
        var obj = new JsonObject
        {
            ["user"] = transaction.User.DeepClone(),
            ["context"] = transaction.Context.DeepClone(),
        };
        if (transaction.Now is { } now)
        {
            obj["now"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        return obj;
    }
}

/// <summary>A transaction file or node that cannot be read; the message is one line, fit to print as it is.</summary>
/// <param name="message">What is wrong, starting with the source's name.</param>
public sealed class TransactionFormatException(string message) : Exception(message);

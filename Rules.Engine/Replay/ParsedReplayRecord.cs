using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Runtime;

namespace Rules.Engine.Replay;

/// <summary>
/// A record parsed once from its UTF-8 bytes, as the runner needs it: the transaction the rules read (nodes over the
/// record's own document, not copies) and the recorded outcome as a <see cref="JsonElement"/> the classifier reads in
/// place. Accepts and refuses exactly what <see cref="ReplayRecord.Parse"/> does, with the same messages; a property
/// given twice where that parse would have stopped the whole run (the record, its transaction, the user, the outcome)
/// makes the record malformed instead. Dispose it when the record is done: its nodes read the document.
/// </summary>
internal sealed class ParsedReplayRecord : IDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private readonly JsonDocument _document;

    private ParsedReplayRecord(JsonDocument document, string? id, LoginTransaction transaction, JsonElement? recordedOutcome)
    {
        _document = document;
        Id = id;
        Transaction = transaction;
        RecordedOutcome = recordedOutcome;
    }

    public string? Id { get; }

    public LoginTransaction Transaction { get; }

    /// <summary>The outcome the record carries, null when it has none.</summary>
    public JsonElement? RecordedOutcome { get; }

    /// <summary>The Math.random seed, as <see cref="ReplayRecord.Seed"/> derives it.</summary>
    public ulong Seed(long line) => SeededRandom.Hash(Id ?? $"line:{line}");

    /// <exception cref="ReplayFormatException">The text is not a record; the message names what is wrong.</exception>
    public static ParsedReplayRecord Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ReplayFormatException($"not valid JSON ({e.Message.Split(". ")[0]})");
        }

        try
        {
            return Read(document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public void Dispose() => _document.Dispose();

    private static ParsedReplayRecord Read(JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayFormatException("expected a JSON object (a decision-log record or a transaction)");
        }
        RefuseDuplicates(root, "the record");

        var id = Property(root, "id") is { ValueKind: JsonValueKind.String } idValue ? idValue.GetString() : null;
        var transactionElement = Property(root, "transaction") ?? (root.TryGetProperty("user", out _) ? root : null);
        if (transactionElement is not { } transactionValue)
        {
            throw new ReplayFormatException("has neither \"transaction\" (a decision-log record) nor \"user\" (a transaction)");
        }

        var transaction = ReadTransaction(transactionValue);

        JsonElement? outcome = null;
        switch (Property(root, "outcome"))
        {
            case null:
                break;
            case { ValueKind: JsonValueKind.Object } o when Property(o, "decision") is { ValueKind: JsonValueKind.String } d
                && (d.ValueEquals("allow") || d.ValueEquals("deny") || d.ValueEquals("redirect")):
                RefuseDuplicates(o, "\"outcome\"");
                outcome = o;
                break;
            default:
                throw new ReplayFormatException("\"outcome\" must be an outcome object with \"decision\": \"allow\", \"deny\" or \"redirect\"");
        }

        return new ParsedReplayRecord(document, id, transaction, outcome);
    }

    /// <summary>TransactionJson.FromNode on the element, with its messages; user and context become nodes over the document.</summary>
    private static LoginTransaction ReadTransaction(JsonElement transaction)
    {
        const string sourceName = "transaction";
        try
        {
            if (transaction.ValueKind != JsonValueKind.Object)
            {
                throw new TransactionFormatException($"{sourceName}: expected a JSON object with \"user\" and \"context\"");
            }
            RefuseDuplicates(transaction, "\"transaction\"");

            var user = Property(transaction, "user") switch
            {
                { ValueKind: JsonValueKind.Object } u => u,
                null => throw new TransactionFormatException($"{sourceName}: \"user\" is missing; it must be an object (the user profile)"),
                _ => throw new TransactionFormatException($"{sourceName}: \"user\" must be an object (the user profile)"),
            };

            var context = Property(transaction, "context") switch
            {
                { ValueKind: JsonValueKind.Object } c => JsonObject.Create(c)!,
                null => [],
                _ => throw new TransactionFormatException($"{sourceName}: \"context\" must be an object"),
            };

            DateTimeOffset? now = null;
            if (Property(transaction, "now") is { } nowValue)
            {
                if (nowValue.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(nowValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    throw new TransactionFormatException($"{sourceName}: \"now\" must be an ISO-8601 date-time string, like \"2026-11-18T09:30:00Z\"");
                }
                now = parsed;
            }

            RefuseDuplicates(user, "\"user\"");
            if (Property(user, "impersonated") is { ValueKind: JsonValueKind.True } && Property(user, "impersonator") is not { ValueKind: JsonValueKind.Object })
            {
                throw new TransactionFormatException($"{sourceName}: an impersonated user needs \"impersonator\": {{ \"user_id\", \"email\" }}");
            }

            return new LoginTransaction(JsonObject.Create(user)!, context, now);
        }
        catch (TransactionFormatException e)
        {
            throw new ReplayFormatException(e.Message);
        }
    }

    /// <summary>The property's value as a JsonNode indexer sees it: absent and JSON null are both null; the last of duplicates wins.</summary>
    internal static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A name given twice: JsonObject, which the runtime and the old parse read these objects with, throws on it.</summary>
    private static void RefuseDuplicates(JsonElement obj, string what)
    {
        var count = obj.GetPropertyCount();
        if (count < 2)
        {
            return;
        }
        // One pass over the raw names with a hash each; only a name with an escape or a repeated hash (a duplicate,
        // or rarely a collision) is settled by comparing decoded names.
        Span<ulong> hashes = count <= 64 ? stackalloc ulong[count] : new ulong[count];
        var seen = 0;
        foreach (var property in obj.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var hash = 0xcbf29ce484222325UL;
            foreach (var b in raw)
            {
                if (b == '\\')
                {
                    RefuseDuplicatesByName(obj, what);
                    return;
                }
                hash = (hash ^ b) * 0x100000001b3UL;
            }
            if (hashes[..seen].Contains(hash))
            {
                RefuseDuplicatesByName(obj, what);
                return;
            }
            hashes[seen++] = hash;
        }
    }

    private static void RefuseDuplicatesByName(JsonElement obj, string what)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                throw Duplicate(property.Name, what);
            }
        }
    }

    private static ReplayFormatException Duplicate(string name, string what) => new($"{what} has the property \"{name}\" twice");
}

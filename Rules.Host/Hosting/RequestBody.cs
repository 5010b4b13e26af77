using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Rules.Host.Errors;

namespace Rules.Host.Hosting;

/// <summary>
/// Reads a JSON or form-encoded body into one <see cref="JsonObject"/>, so a handler validates both the same
/// way. Form values are strings; a key like <c>additionalParameters[state]</c> becomes a nested object, which
/// is how Auth0's form-encoded calls spelled nested fields. The body is read with a hard size limit, because
/// Kestrel's limit does not apply in every host (the in-process test server has none). A body that cannot be read is
/// 400 <c>invalid_body</c> (content type, encoding, syntax) or the one 413 of <see cref="Auth0Error.PayloadTooLarge"/>.
/// </summary>
public static class RequestBody
{
    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    // Duplicate properties are refused: two values for client_id or callback_url must not be resolved silently.
    internal static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    public static async Task<Validated<JsonObject>> ReadAsync(HttpRequest request)
    {
        var maxBytes = request.HttpContext.RequestServices.GetRequiredService<IOptions<RulesHostOptions>>().Value.MaxRequestBodyBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !(contentType.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) || contentType.MediaType.Equals(Form, StringComparison.OrdinalIgnoreCase)))
        {
            return Invalid($"Content-Type must be {Json} or {Form}");
        }

        if (request.ContentLength > maxBytes)
        {
            return Auth0Error.PayloadTooLarge(maxBytes);
        }

        string text;
        try
        {
            var bytes = await ReadBoundedAsync(request.Body, maxBytes, request.HttpContext.RequestAborted);
            if (bytes is null)
            {
                return Auth0Error.PayloadTooLarge(maxBytes);
            }
            text = StrictUtf8.GetString(bytes);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own MaxRequestBodySize (413) or a truncated upload (400).
            return e.StatusCode == 413 ? Auth0Error.PayloadTooLarge(maxBytes) : Invalid("The request body could not be read");
        }
        catch (DecoderFallbackException)
        {
            return Invalid("The request body is not valid UTF-8");
        }

        return contentType.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase) ? ParseJson(text) : ParseForm(text);
    }

    /// <summary>A string field, or an error naming it when it is there but not a string.</summary>
    public static (string? Value, string? Error) GetString(JsonObject body, string name)
    {
        return body[name] switch
        {
            null => (null, null),
            JsonValue value when value.TryGetValue<string>(out var text) => (text.Length == 0 ? null : text, null),
            _ => (null, $"\"{name}\" must be a string"),
        };
    }

    private static Validated<JsonObject> ParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Invalid("The request body is empty; expected a JSON object");
        }

        try
        {
            if (JsonNode.Parse(text, documentOptions: JsonOptions) is not JsonObject obj)
            {
                return Invalid("The request body must be a JSON object");
            }
            _ = obj.Count; // JsonObject reads its properties lazily: read them here, where a failure is the caller's input
            return obj;
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "";
            var why = e.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) ? ": a property appears twice" : "";
            return Invalid($"The request body is not valid JSON{where}{why}");
        }
        catch (ArgumentException)
        {
            return Invalid("The request body is not valid JSON: a property appears twice");
        }
    }

    private static Validated<JsonObject> ParseForm(string text)
    {
        var body = new JsonObject();
        foreach (var (key, values) in QueryHelpers.ParseQuery(text))
        {
            if (values.Count > 1)
            {
                // RFC 6749 §3.1: request parameters must not be included more than once.
                return Invalid($"The parameter \"{key}\" is repeated");
            }

            var open = key.IndexOf('[');
            if (open > 0 && key.EndsWith(']') && key.IndexOf('[', open + 1) < 0)
            {
                var parent = key[..open];
                var child = key[(open + 1)..^1];
                if (body[parent] is not JsonObject nested)
                {
                    if (body.ContainsKey(parent))
                    {
                        return Invalid($"The parameter \"{parent}\" is given both as a value and as an object");
                    }
                    nested = new JsonObject();
                    body[parent] = nested;
                }
                nested[child] = values.ToString();
            }
            else if (body.ContainsKey(key))
            {
                return Invalid($"The parameter \"{key}\" is given both as a value and as an object");
            }
            else
            {
                body[key] = values.ToString();
            }
        }
        return body;
    }

    /// <summary>
    /// The body's bytes, or null when it is longer than <paramref name="maxBytes"/>: counted while reading, so the
    /// bound holds for chunked uploads and in hosts without Kestrel's limit. Every body reader goes through here.
    /// </summary>
    internal static async Task<byte[]?> ReadBoundedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Auth0Error Invalid(string message) => Auth0Error.BadRequest(message, "invalid_body");
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>
/// Reads a Management API request body as one JSON object, refusing anything else with Auth0's error JSON:
/// a wrong content type, an empty or oversized body, malformed JSON, duplicate properties, a non-object.
/// Handlers read bodies through here rather than through parameter binding, so the token is checked first
/// and a bad body never turns into an unhandled exception. The reading and parsing are <see cref="Hosting.RequestBody"/>'s
/// (bounded read, depth limit, duplicate properties refused); what is the Management API's own is its JSON-only content
/// type, its limit and Auth0's wording of each refusal.
/// </summary>
internal static class ManagementRequestBody
{
    public static async Task<Validated<JsonObject>> ReadObjectAsync(HttpRequest request)
    {
        if (!request.HasJsonContentType())
        {
            return Auth0Error.BadRequest(
                $"The request body must be JSON sent with Content-Type: application/json (got {(string.IsNullOrEmpty(request.ContentType) ? "no content type" : request.ContentType)}).",
                "invalid_content_type");
        }

        var limit = ManagementGroup.MaxBodyBytes(request.HttpContext);
        if (request.ContentLength > limit)
        {
            return Auth0Error.PayloadTooLarge(limit);
        }

        var bytes = await Hosting.RequestBody.ReadBoundedAsync(request.Body, limit, request.HttpContext.RequestAborted);
        if (bytes is null)
        {
            return Auth0Error.PayloadTooLarge(limit);
        }

        if (bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return Auth0Error.BadRequest("The request body is empty; expected a JSON object.");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: Hosting.RequestBody.JsonOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return Auth0Error.BadRequest($"Invalid request payload JSON format{where}.", "invalid_json");
        }

        return node switch
        {
            JsonObject body => body,
            null => Auth0Error.BadRequest("Payload validation error: 'Expected type object but found type null'."),
            _ => Auth0Error.BadRequest($"Payload validation error: 'Expected type object but found type {PayloadReader.TypeName(node)}'."),
        };
    }
}

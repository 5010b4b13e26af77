namespace Rules.Engine.Pipeline;

/// <summary>
/// One outbound call a rule made, as the outcome and the decision log keep it: never headers, never the request body
/// (only its SHA-256), never the query string; the response body only when the host records responses
/// (Rules:Egress:RecordResponses), so replay can answer from it.
/// </summary>
public sealed record HttpCallRecord(
    string Rule,
    string Method,
    string Host,
    string Path,
    int? Status,
    double DurationMs,
    long Bytes,
    string? RequestBodySha256,
    string? Error = null,
    string? ResponseBody = null)
{
    /// <summary>scheme://host[:port]/path, the URL without its query string.</summary>
    public string Url => $"{Host}{Path}";
}

using System.Text.Json.Nodes;

namespace Rules.Host.Audit;

/// <summary>
/// One audit record, in the shape of an Auth0 log event (GET /api/v2/logs). Types follow Auth0's codes where one exists:
/// <c>s</c> success login, <c>f</c> failed login, <c>seccft</c> client-credentials exchange, <c>seacft</c> code exchange,
/// <c>feacft</c> failed code exchange, <c>feccft</c> failed client-credentials exchange (or an unreadable token request);
/// impersonation has its own: <c>impersonation_requested</c>, <c>impersonation_refused</c>.
/// </summary>
public sealed record AuditEntry
{
    public string LogId { get; init; } = $"log_{Guid.NewGuid():N}";
    public required DateTimeOffset Date { get; init; }
    public required string Type { get; init; }
    public string? Description { get; init; }
    public string? ClientId { get; init; }
    public string? ClientName { get; init; }
    public string? UserId { get; init; }
    public string? UserName { get; init; }
    public string? ImpersonatorId { get; init; }
    public string? ImpersonatorEmail { get; init; }
    public string? Ip { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>Type-specific details: for a login, the decision, the deciding rule and per-rule timings.</summary>
    public JsonObject Details { get; init; } = [];

    /// <summary>An entry about <paramref name="http"/>: the caller's address and user agent filled in, the rest added with <c>with</c>.</summary>
    public static AuditEntry For(HttpContext http, DateTimeOffset date, string type, string? description = null) => new()
    {
        Date = date,
        Type = type,
        Description = description,
        Ip = IpOf(http),
        UserAgent = UserAgentOf(http),
    };

    /// <summary>The address the request came from, as every audit entry records it (after forwarded-header processing, when configured).</summary>
    public static string? IpOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    /// <summary>The request's User-Agent; empty when it sent none.</summary>
    public static string UserAgentOf(HttpContext http) => http.Request.Headers.UserAgent.ToString();
}

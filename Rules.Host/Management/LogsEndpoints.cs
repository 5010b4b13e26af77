using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>
/// GET /api/v2/logs: the audit trail (who impersonated whom, for which client, when, from where, and the outcome)
/// as Auth0 log events, newest first, with the same paging as /api/v2/users.
/// </summary>
public static class LogsEndpoints
{
    public static IEndpointRouteBuilder MapLogsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var logs = endpoints.MapManagementGroup("/api/v2/logs", "Logs").RequireManagementScope("read:logs");
        logs.MapGet("", List);
        logs.MapGet("/{id}", Get);
        return endpoints;
    }

    /// <summary>GET /api/v2/logs?user_id=&amp;impersonator_id=&amp;client_id=&amp;type=&amp;from=&amp;to=&amp;q=&amp;page=&amp;per_page=&amp;include_totals=</summary>
    public static Results<Ok<JsonNode>, JsonHttpResult<Auth0ErrorBody>> List(HttpRequest request, AuditLogSearch search)
    {
        var query = request.Query;
        var paging = ManagementQuery.ReadPaging(query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }
        var from = ManagementQuery.Date(query, "from", upperBound: false);
        var to = ManagementQuery.Date(query, "to", upperBound: true);
        if ((from.Error ?? to.Error) is { } badDate)
        {
            return badDate.ToTypedResult();
        }

        var q = ManagementQuery.Single(query, "q");
        if (AuditLogSearch.ParseQuery(q).Error is { } badQuery)
        {
            return ManagementQuery.SearchError(badQuery).ToTypedResult();
        }

        var filter = new LogFilter(
            ManagementQuery.Single(query, "user_id"),
            ManagementQuery.Single(query, "impersonator_id"),
            ManagementQuery.Single(query, "client_id"),
            ManagementQuery.Single(query, "type"),
            from.Value,
            to.Value,
            q);
        var (page, perPage, includeTotals, _) = paging.Value!;
        var (logs, total) = search.Find(filter, page, perPage);
        var list = new JsonArray(logs.Select(l => (JsonNode)l).ToArray());
        JsonNode body = includeTotals
            ? new JsonObject { ["start"] = page * perPage, ["limit"] = perPage, ["length"] = logs.Count, ["total"] = total, ["logs"] = list }
            : list;
        return TypedResults.Ok(body);
    }

    public static Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>> Get(string id, AuditLogSearch search) =>
        search.Get(id) is { } entry
            ? TypedResults.Ok(entry)
            : Auth0Error.NotFound("The log entry does not exist.", "inexistent_log").ToTypedResult();
}

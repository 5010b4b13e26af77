using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Audit;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>
/// GET /api/v2/decision-logs: every pipeline decision as the JSONL that <c>rules replay --log</c> reads, oldest
/// first, streamed row by row from SQLite to the response (never held in memory); and one record by id.
/// Records hold the transaction as the rules saw it, which never includes the configuration's secrets.
/// </summary>
public static class DecisionLogsEndpoints
{
    public const string JsonLinesContentType = "application/x-ndjson";

    public static IEndpointRouteBuilder MapDecisionLogsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var decisions = endpoints.MapManagementGroup("/api/v2/decision-logs", "Decision Logs").RequireManagementScope("read:logs");
        decisions.MapGet("", Export);
        decisions.MapGet("/{id}", Get);
        return endpoints;
    }

    /// <summary>GET /api/v2/decision-logs?from=&amp;to= (ISO dates, inclusive).</summary>
    public static Results<PushStreamHttpResult, JsonHttpResult<Auth0ErrorBody>> Export(HttpRequest request, DecisionLog decisionLog)
    {
        var from = ManagementQuery.Date(request.Query, "from", upperBound: false);
        var to = ManagementQuery.Date(request.Query, "to", upperBound: true);
        if ((from.Error ?? to.Error) is { } badDate)
        {
            return badDate.ToTypedResult();
        }

        var cancellation = request.HttpContext.RequestAborted;
        return TypedResults.Stream(async body =>
        {
            var newline = "\n"u8.ToArray();
            var written = 0;
            foreach (var line in decisionLog.ExportJsonLines(from.Value, to.Value))
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes(line), cancellation);
                await body.WriteAsync(newline, cancellation);
                // Push to the client as we go rather than letting the server's response buffer grow.
                if (++written % 64 == 0)
                {
                    await body.FlushAsync(cancellation);
                }
            }
        }, JsonLinesContentType);
    }

    public static Results<Ok<JsonObject>, JsonHttpResult<Auth0ErrorBody>> Get(string id, DecisionLog decisionLog) =>
        decisionLog.Get(id) is { } record
            ? TypedResults.Ok(record)
            : Auth0Error.NotFound("The decision-log record does not exist.", "inexistent_decision").ToTypedResult();
}

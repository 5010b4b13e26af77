using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>Typed results and the Management API's own errors, all in Auth0's error JSON.</summary>
internal static class ManagementResults
{
    /// <summary>The response header that names the rule-set version live after a rules or rules-configs write.</summary>
    public const string RulesVersionHeader = "X-Rules-Version";

    public static JsonHttpResult<Auth0ErrorBody> ToTypedResult(this Auth0Error error) =>
        TypedResults.Json(new Auth0ErrorBody(error.StatusCode, error.Error, error.Message, error.ErrorCode),
            AppJsonContext.Default.Auth0ErrorBody, statusCode: error.StatusCode);

    public static Auth0Error Internal() =>
        new(500, "Internal Server Error", "An internal error occurred; it has been logged on the server.", "internal_error");

    /// <summary>With --rules the directory is the source of truth: the API must not fork it into the database.</summary>
    public static Auth0Error RulesReadOnly(string source) =>
        Auth0Error.Conflict($"Rules are served from the {source} (--rules); they are read-only through the Management API. Edit the files there: the server reloads them when they change.",
            "rules_read_only");
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Rules.Engine.Http;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Management;
using Rules.Host.RuleSets;
using Rules.Host.Tenant;

namespace Rules.Host.Modules.Auth0;

/// <summary>
/// Answers the calls of the rules' <c>require('auth0')</c> ManagementClient from this server's store, in-process (no
/// HTTP to itself), in the Management API's shapes. A call needs the scope the API would need (read:users, update:users)
/// among those the live rule set's <see cref="RuleAuth0Globals.ScopeConfigurationKey"/> grants; none are granted unless
/// that key says so. Every call is audited before its answer is handed back: <c>sapi</c>/<c>fapi</c> entries for
/// lookups and refusals, the <c>user_updated</c> change entry (actor <c>rules</c>) for an update, written with it.
/// </summary>
public sealed class RuleManagementCalls(TenantStore store, AuditLog audit, RuleSetProvider rules, TimeProvider clock)
{
    public const string SucceededType = "sapi";
    public const string FailedType = "fapi";

    /// <summary>One login's transport; its calls are audited with the login request's address and user agent.</summary>
    public IRuleHttpTransport For(HttpContext http) => new Transport(this, http);

    private sealed class Transport(RuleManagementCalls calls, HttpContext http) : IRuleHttpTransport
    {
        public Task<RuleHttpResponse> SendAsync(RuleHttpRequest request, HttpCallLimits limits, CancellationToken cancellationToken)
        {
            // Read on the login's own flow, while its request is running; nothing per login until a rule calls.
            var requester = ChangeActor.Rules("").From(http);
            // The store is synchronous: off the login's thread, so the runtime's time budget bounds the wait.
            return Task.Run(() => calls.Answer(request, limits, requester), cancellationToken);
        }
    }

    private sealed record Operation(string Name, string Scope, string? UserId);

    private RuleHttpResponse Answer(RuleHttpRequest request, HttpCallLimits limits, ChangeActor requester)
    {
        var live = rules.Current;
        var actor = requester with { Id = live?.Version ?? "none" };
        var operation = Route(request);
        JsonNode body;
        int status;
        if (operation is null)
        {
            (status, body) = Error(Auth0Error.NotFound($"{request.Method} {request.Url.AbsolutePath} is not available to the rules' ManagementClient.", "inexistent_route"));
        }
        else
        {
            var granted = RuleAuth0Globals.GrantedScopes(live?.RuleSet.RuleSet.Configuration);
            (status, body) = !granted.Contains(operation.Scope)
                ? Error(Auth0Error.Forbidden(
                    $"Insufficient scope, expected: {operation.Scope}. ManagementClient.{operation.Name} needs it; the rule set grants {(granted.Count == 0 ? "no scopes" : string.Join(" ", granted))}. Add {operation.Scope} to the rules-config {RuleAuth0Globals.ScopeConfigurationKey} to allow it."))
                : Run(operation, request, actor);
        }

        // An update that succeeded was audited with its change; everything else gets its entry here, before the answer.
        if (!(status == 200 && request.Method == "PATCH"))
        {
            Audit(request, operation, status, body, actor);
        }

        var text = body.ToJsonString();
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxResponseBytes)
        {
            throw new RuleHttpException(RuleHttpException.ResponseTooLarge,
                $"{request.Method} {request.LoggableUrl}: the response is larger than {limits.MaxResponseBytes:N0} bytes (sandbox limit MaxHttpResponseBytes)", "MaxHttpResponseBytes");
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json; charset=utf-8" };
        return new RuleHttpResponse(status, ReasonPhrase(status), headers, text, request.Url, bytes);
    }

    private static Operation? Route(RuleHttpRequest request)
    {
        var segments = request.Url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["api", "v2", ..])
        {
            return null;
        }
        var id = segments.Length > 3 ? Uri.UnescapeDataString(segments[3]) : null;
        return (request.Method, segments[2..]) switch
        {
            ("GET", ["users"]) => new Operation("getUsers", "read:users", null),
            ("GET", ["users-by-email"]) => new Operation("getUsersByEmail", "read:users", null),
            ("GET", ["users", _]) => new Operation("getUser", "read:users", id),
            ("PATCH", ["users", _]) => new Operation("updateUser", "update:users", id),
            ("POST", ["users", _, "identities"]) => new Operation("linkUsers", "update:users", id),
            _ => null,
        };
    }

    private (int Status, JsonNode Body) Run(Operation operation, RuleHttpRequest request, ChangeActor actor)
    {
        var query = new QueryCollection(QueryHelpers.ParseQuery(request.Url.Query));
        switch (operation.Name)
        {
            case "getUsers":
            {
                var paging = ManagementQuery.ReadPaging(query);
                if (paging.IsError) return Error(paging.Error!);
                var q = ManagementQuery.Single(query, "q");
                if (UserSearch.Parse(q).Error is { } badQuery) return Error(ManagementQuery.SearchError(badQuery));
                var (page, perPage, includeTotals, _) = paging.Value!;
                var (users, total) = store.ListUsers(q, page, perPage);
                var list = new JsonArray(users.Select(u => (JsonNode)UsersEndpoints.ToResponse(u)).ToArray());
                return (200, includeTotals
                    ? new JsonObject { ["start"] = page * perPage, ["limit"] = perPage, ["length"] = users.Count, ["total"] = total, ["users"] = list }
                    : list);
            }
            case "getUsersByEmail":
                return ManagementQuery.Single(query, "email") is { } email
                    ? (200, new JsonArray(store.FindUsersByEmail(email).Select(u => (JsonNode)UsersEndpoints.ToResponse(u)).ToArray()))
                    : Error(Auth0Error.BadRequest("Query validation error: 'Missing required property: email'.", "invalid_query_string"));
            case "getUser":
                return store.GetUser(operation.UserId!) is { } user ? (200, UsersEndpoints.ToResponse(user)) : Error(UserNotFound());
            case "updateUser":
                return Update(operation.UserId!, request.Body, actor);
            default:
                // linkUsers: a stored user here is one identity; there is nowhere to keep a second one.
                return Error(new Auth0Error(501, "Not Implemented",
                    "linkUsers is not supported by this server: its user store keeps one identity per user and cannot link accounts.", "operation_not_supported"));
        }
    }

    private (int Status, JsonNode Body) Update(string userId, string? text, ChangeActor actor)
    {
        JsonObject? body;
        try
        {
            body = text is null ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return Error(Auth0Error.BadRequest("Payload validation error: the body must be a JSON object."));
        }
        var validated = UserRequestValidator.ValidateUpdate(body);
        if (validated.IsError)
        {
            return Error(validated.Error!);
        }
        var update = validated.Value!;
        if (update.Password is not null)
        {
            return Error(Auth0Error.BadRequest("Rules cannot set passwords through ManagementClient.", "operation_not_supported"));
        }
        if (update.Connection is not null && store.GetUser(userId) is { } existing && update.Connection != existing.Connection)
        {
            return Error(Auth0Error.BadRequest($"The user belongs to the connection '{existing.Connection}', not '{update.Connection}'; users cannot move between connections.", "invalid_connection"));
        }
        var (status, updated) = store.ChangeUser(userId, user => UsersEndpoints.Apply(user, update, null), actor);
        return status switch
        {
            UserWriteStatus.Done => (200, UsersEndpoints.ToResponse(updated!)),
            UserWriteStatus.NotFound => Error(UserNotFound()),
            _ => Error(Auth0Error.Conflict("The specified new email already exists.", "email_exists")),
        };
    }

    private void Audit(RuleHttpRequest request, Operation? operation, int status, JsonNode body, ChangeActor actor)
    {
        var succeeded = status is >= 200 and < 300;
        var details = new JsonObject
        {
            ["actor"] = actor.ToJson(),
            ["operation"] = operation is null ? null : $"ManagementClient.{operation.Name}",
            ["method"] = request.Method,
            ["path"] = request.Url.AbsolutePath,
            ["status"] = status,
        };
        if (operation is not null)
        {
            details["scope"] = operation.Scope;
        }
        if (!succeeded && body is JsonObject error)
        {
            details["error"] = error["message"]?.DeepClone();
        }
        audit.Write(new AuditEntry
        {
            Date = clock.GetUtcNow(),
            Type = succeeded ? SucceededType : FailedType,
            Description = $"{(succeeded ? "Success" : "Failed")} Management API operation from the rules: {(operation is null ? $"{request.Method} {request.Url.AbsolutePath}" : $"ManagementClient.{operation.Name}")}",
            ClientId = RuleAuth0Globals.Subject,
            UserId = operation?.UserId,
            Ip = actor.Ip,
            UserAgent = actor.UserAgent,
            Details = details,
        });
    }

    private static (int, JsonNode) Error(Auth0Error error) => (error.StatusCode, new JsonObject
    {
        ["statusCode"] = error.StatusCode,
        ["error"] = error.Error,
        ["message"] = error.Message,
        ["errorCode"] = error.ErrorCode,
    });

    private static Auth0Error UserNotFound() => Auth0Error.NotFound("The user does not exist.", "inexistent_user");

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Audit;
using Rules.Host.Errors;

namespace Rules.Host.Management;

/// <summary>The rule object as Auth0's Management API returns it.</summary>
public sealed record RuleResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("script")] string Script,
    [property: JsonPropertyName("order")] long Order,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("stage")] string Stage)
{
    public static RuleResponse From(StoredRule rule) => new(rule.Id, rule.Name, rule.Script, rule.Order, rule.Enabled, rule.Stage);
}

/// <summary>GET /api/v2/rules with paging or include_totals: Auth0's page shape.</summary>
public sealed record RulesPage(
    [property: JsonPropertyName("rules")] IReadOnlyList<RuleResponse> Rules,
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("total")] int Total);

/// <summary>
/// /api/v2/rules. Each write compiles the whole candidate rule set before saving and answers once the change is
/// live, naming the live version in <c>X-Rules-Version</c>. With --rules the API is read-only.
/// </summary>
public static class RulesEndpoints
{
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rules = endpoints.MapManagementGroup("/api/v2/rules", "Rules");
        rules.MapGet("", List).RequireManagementScope("read:rules");
        rules.MapGet("/{id}", Get).RequireManagementScope("read:rules");
        rules.MapPost("", Create).RequireManagementScope("create:rules");
        rules.MapPatch("/{id}", Update).RequireManagementScope("update:rules");
        rules.MapDelete("/{id}", Delete).RequireManagementScope("delete:rules");
        return endpoints;
    }

    /// <summary>GET /api/v2/rules?enabled=&amp;page=&amp;per_page=&amp;include_totals=: all rules in execution order unless paged.</summary>
    public static Results<Ok<RuleResponse[]>, Ok<RulesPage>, JsonHttpResult<Auth0ErrorBody>> List(HttpRequest request, RuleStore store)
    {
        var paging = ManagementQuery.ReadPaging(request.Query);
        if (paging.IsError)
        {
            return paging.Error!.ToTypedResult();
        }
        var enabled = ManagementQuery.Boolean(request.Query, "enabled");
        if (enabled.IsError)
        {
            return enabled.Error!.ToTypedResult();
        }

        var rules = store.List().Where(r => enabled.Value is not { } only || r.Enabled == only).Select(RuleResponse.From).ToArray();
        var (page, perPage, includeTotals, requested) = paging.Value!;
        var shown = requested ? rules.Skip(page * perPage).Take(perPage).ToArray() : rules;
        return includeTotals
            ? TypedResults.Ok(new RulesPage(shown, requested ? page * perPage : 0, requested ? perPage : rules.Length, rules.Length))
            : TypedResults.Ok(shown);
    }

    public static Results<Ok<RuleResponse>, JsonHttpResult<Auth0ErrorBody>> Get(string id, RuleStore store) =>
        store.Get(id) is { } rule ? TypedResults.Ok(RuleResponse.From(rule)) : RuleNotFound().ToTypedResult();

    public static async Task<Results<Created<RuleResponse>, JsonHttpResult<Auth0ErrorBody>>> Create(HttpRequest request, HttpResponse response, RuleSetEditor editor)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToTypedResult();
        }
        var validated = await ReadAsync(request, RuleRequestValidator.ValidateCreate);
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        var edit = editor.CreateRule(validated.Value!, ChangeActor.FromRequest(request.HttpContext));
        if (edit.IsError)
        {
            return edit.Error!.ToTypedResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return TypedResults.Created($"/api/v2/rules/{edit.Value!.Id}", RuleResponse.From(edit.Value));
    }

    public static async Task<Results<Ok<RuleResponse>, JsonHttpResult<Auth0ErrorBody>>> Update(string id, HttpRequest request, HttpResponse response, RuleSetEditor editor)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToTypedResult();
        }
        var validated = await ReadAsync(request, RuleRequestValidator.ValidateUpdate);
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        var edit = editor.UpdateRule(id, validated.Value!, ChangeActor.FromRequest(request.HttpContext));
        if (edit.IsError)
        {
            return edit.Error!.ToTypedResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return TypedResults.Ok(RuleResponse.From(edit.Value!));
    }

    public static Results<NoContent, JsonHttpResult<Auth0ErrorBody>> Delete(string id, HttpResponse response, RuleSetEditor editor)
    {
        var edit = editor.DeleteRule(id, ChangeActor.FromRequest(response.HttpContext));
        if (edit.IsError)
        {
            return edit.Error!.ToTypedResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return TypedResults.NoContent();
    }

    /// <summary>Reads the body and validates it; the first error (content type, JSON, schema) is the answer.</summary>
    internal static async Task<Validated<T>> ReadAsync<T>(HttpRequest request, Func<System.Text.Json.Nodes.JsonObject, Validated<T>> validate)
    {
        var body = await ManagementRequestBody.ReadObjectAsync(request);
        return body.IsError ? body.Error! : validate(body.Value!);
    }

    private static Auth0Error RuleNotFound() => Auth0Error.NotFound("The rule does not exist.", "inexistent_rule");
}

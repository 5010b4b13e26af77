using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Rules.Host.Audit;
using Rules.Host.Errors;

namespace Rules.Host.Management;

public sealed record RulesConfigKey([property: JsonPropertyName("key")] string Key);

public sealed record RulesConfigResponse([property: JsonPropertyName("key")] string Key, [property: JsonPropertyName("value")] string Value);

/// <summary>
/// /api/v2/rules-configs: the <c>configuration</c> object rules read. Values are secrets, so, as in Auth0, the list
/// returns keys only and a value is echoed only to the caller who just set it. Configuration is part of the rule
/// set's version, so every change goes through <see cref="RuleSetEditor"/> and is live when the response returns.
/// </summary>
public static partial class RulesConfigsEndpoints
{
    public const int MaxKeyLength = 127;

    public static IEndpointRouteBuilder MapRulesConfigsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var configs = endpoints.MapManagementGroup("/api/v2/rules-configs", "Rules Configs");
        configs.MapGet("", List).RequireManagementScope("read:rules_configs");
        configs.MapPut("/{key}", Set).RequireManagementScope("update:rules_configs");
        configs.MapDelete("/{key}", Delete).RequireManagementScope("delete:rules_configs");
        return endpoints;
    }

    public static Ok<RulesConfigKey[]> List(RuleStore store) => TypedResults.Ok(store.ConfigKeys().Select(k => new RulesConfigKey(k)).ToArray());

    public static async Task<Results<Ok<RulesConfigResponse>, JsonHttpResult<Auth0ErrorBody>>> Set(string key, HttpRequest request, HttpResponse response, RuleSetEditor editor)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToTypedResult();
        }
        if (CheckKey(key) is { } badKey)
        {
            return badKey.ToTypedResult();
        }
        var validated = await RulesEndpoints.ReadAsync(request, ValidateValue);
        if (validated.IsError)
        {
            return validated.Error!.ToTypedResult();
        }
        var edit = editor.SetConfig(key, validated.Value!, ChangeActor.FromRequest(request.HttpContext));
        if (edit.IsError)
        {
            return edit.Error!.ToTypedResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return TypedResults.Ok(new RulesConfigResponse(key, edit.Value!));
    }

    /// <summary>Deleting a key that does not exist also answers 204, as Auth0 does: the key is gone either way.</summary>
    public static Results<NoContent, JsonHttpResult<Auth0ErrorBody>> Delete(string key, HttpResponse response, RuleSetEditor editor)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToTypedResult();
        }
        if (CheckKey(key) is { } badKey)
        {
            return badKey.ToTypedResult();
        }
        var edit = editor.DeleteConfig(key, ChangeActor.FromRequest(response.HttpContext));
        if (edit.IsError)
        {
            return edit.Error!.ToTypedResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return TypedResults.NoContent();
    }

    private static Auth0Error? CheckKey(string key) =>
        key.Length <= MaxKeyLength && KeyFormat().IsMatch(key)
            ? null
            : Auth0Error.BadRequest($"Path validation error: 'String does not match pattern ^[A-Za-z0-9_-]+$ (at most {MaxKeyLength} characters)' on property key.", "invalid_uri");

    private static Validated<string> ValidateValue(JsonObject body)
    {
        var reader = new PayloadReader(body).AllowOnly("value");
        var value = reader.String("value", required: true, maxLength: int.MaxValue);
        return reader.Error is { } error ? error : value!;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex KeyFormat();
}

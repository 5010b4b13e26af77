using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.Tenant;

namespace Rules.Host.Dashboard;

/// <summary>
/// The fetch() endpoints behind "Try this rule":
/// GET /dashboard/api/rules/sample?user_id=&amp;client_id=&amp;impersonator_id= builds a sample transaction, and
/// POST /dashboard/api/rules/{id}/try <c>{ script, scope: "rule"|"pipeline", transaction }</c> runs it through
/// <see cref="RuleTrial"/> and answers <c>{ outcome }</c> (the outcome JSON of <c>rules eval</c>) or
/// <c>{ compile_errors: [{ rule, line, column, message }] }</c>. Each trial is audited.
/// </summary>
public static class RuleTrialEndpoints
{
    public static IResult Sample(HttpContext http, TenantStore store, RoleStore roles, TimeProvider clock, string? user_id, string? client_id, string? impersonator_id)
    {
        var user = user_id is null ? null : store.GetUser(user_id);
        var client = client_id is null ? null : store.GetClient(client_id);
        var impersonator = string.IsNullOrEmpty(impersonator_id) ? null : store.GetUser(impersonator_id);
        if (user is null || client is null || (!string.IsNullOrEmpty(impersonator_id) && impersonator is null))
        {
            return Auth0Error.BadRequest("Pick a user and an application of this tenant (and an impersonator, or nobody).", "invalid_sample").ToResult();
        }
        if (store.GetConnection(user.Connection) is not { } connection)
        {
            return Auth0Error.BadRequest($"The user's connection \"{user.Connection}\" does not exist.", "invalid_sample").ToResult();
        }
        var transaction = RuleTrialSample.Build(user, client, connection, impersonator, store.GetSettings(), roles.NamesOf(user.UserId), http, clock.GetUtcNow());
        return Results.Json(TransactionJson.ToJson(transaction));
    }

    public static async Task<IResult> TryAsync(string id, HttpContext http, RuleStore rules, RuleTrial trial, DashboardAudit audit)
    {
        if (rules.Get(id) is not { } rule)
        {
            return Auth0Error.NotFound("The rule does not exist.", "inexistent_rule").ToResult();
        }
        var read = await RequestBody.ReadAsync(http.Request);
        if (read.IsError)
        {
            return read.Error.ToResult();
        }
        var body = read.Value!;
        if (body["script"] is not JsonValue scriptValue || !scriptValue.TryGetValue<string>(out var script))
        {
            return Auth0Error.BadRequest("\"script\" must be the rule's text.").ToResult();
        }
        var scope = body["scope"] is JsonValue scopeValue && scopeValue.TryGetValue<string>(out var s) ? s : "rule";
        if (scope is not ("rule" or "pipeline"))
        {
            return Auth0Error.BadRequest("\"scope\" must be \"rule\" or \"pipeline\".").ToResult();
        }
        LoginTransaction transaction;
        try
        {
            transaction = TransactionJson.FromNode(body["transaction"], "transaction");
        }
        catch (TransactionFormatException e)
        {
            return Auth0Error.BadRequest(e.Message, "invalid_transaction").ToResult();
        }

        var result = trial.Run(rule.Name, script, scope == "pipeline", transaction);
        var details = new JsonObject
        {
            ["rule_id"] = rule.Id,
            ["rule"] = rule.Name,
            ["scope"] = scope,
            ["sample_user_id"] = transaction.User["user_id"]?.DeepClone(),
            ["sample_impersonated"] = transaction.IsImpersonated,
        };
        if (result.Outcome is not { } outcome)
        {
            details["decision"] = "compile_error";
            audit.Acted(http, "try_rule", $"tried the rule \"{rule.Name}\": it does not compile", details);
            return Results.Json(new JsonObject
            {
                ["compile_errors"] = new JsonArray(result.CompileErrors.Select(e => (JsonNode)new JsonObject
                {
                    ["rule"] = e.Rule, ["line"] = e.Line, ["column"] = e.Column, ["message"] = e.Message, ["source"] = e.SourceLine,
                }).ToArray()),
            }, statusCode: 400);
        }
        details["decision"] = outcome.IsAllowed ? "allow" : "deny";
        details["decided_by"] = outcome.Rule;
        audit.Acted(http, "try_rule", $"tried the rule \"{rule.Name}\" ({scope}): {(outcome.IsAllowed ? "allowed" : "denied")}", details);
        return Results.Json(new JsonObject { ["outcome"] = OutcomeJson.ToJsonObject(outcome) });
    }
}

using System.Text.Json.Nodes;
using Rules.Engine.Compilation;

namespace Rules.Engine.Pipeline;

/// <summary>
/// Builds the run that continues a login suspended by a redirect, from the login as it was and the redirect outcome's
/// JSON (what the host stores while the browser is away, and what <c>rules test</c> has in hand). Auth0's semantics:
/// <list type="bullet">
/// <item>a rule redirected: every rule runs again from the first, <c>context.protocol</c> is "redirect-callback" and
/// <c>context.request.query</c> / <c>body</c> are the /continue request's;</item>
/// <item>an action redirected: the run starts at that action's <c>onContinuePostLogin</c> and goes on with the entries
/// after it; the claims and metadata updates the entries before it made stand.</item>
/// </list>
/// </summary>
public static class RedirectContinuation
{
    /// <summary>What <c>context.protocol</c> reads when rules run again after a redirect, as in Auth0.</summary>
    public const string Protocol = "redirect-callback";

    /// <summary>The login to run when the browser comes back, and the options to run it with.</summary>
    /// <param name="ruleSet">The rule set that will run the continuation; it must be the one that redirected.</param>
    /// <param name="suspended">The login as it was when the redirect was returned.</param>
    /// <param name="redirectOutcome">The redirect outcome's JSON (<see cref="OutcomeJson.ToJsonObject"/>), as the host stored it.</param>
    /// <param name="query">The /continue request's query parameters.</param>
    /// <param name="body">The /continue request's form body.</param>
    /// <param name="now">The clock the continuation sees; null for the real one.</param>
    public static (LoginTransaction Transaction, ExecutionOptions Options) Build(
        CompiledRuleSet ruleSet, LoginTransaction suspended, JsonObject redirectOutcome, JsonObject query, JsonObject body, DateTimeOffset? now)
    {
        var context = (JsonObject)suspended.Context.DeepClone();
        context["protocol"] = Protocol;
        var request = context["request"] as JsonObject ?? [];
        context["request"] = request;
        request["query"] = query.DeepClone();
        request["body"] = body.DeepClone();
        context.Remove("redirect");

        var rule = redirectOutcome["rule"]?.GetValue<string>();
        var byAction = ruleSet.Enabled.Any(r => r.Name == rule && r.Kind == RuleKind.Action);
        var options = new ExecutionOptions();
        if (byAction)
        {
            context["idToken"] = redirectOutcome["idToken"]?.DeepClone() ?? new JsonObject();
            context["accessToken"] = redirectOutcome["accessToken"]?.DeepClone() ?? new JsonObject();
            options = options with { ContinueAction = rule, CarriedMetadataUpdates = ReadMetadata(redirectOutcome["metadataUpdates"] as JsonArray) };
        }
        return (new LoginTransaction((JsonObject)suspended.User.DeepClone(), context, now ?? suspended.Now), options);
    }

    private static List<MetadataUpdate> ReadMetadata(JsonArray? updates)
    {
        var list = new List<MetadataUpdate>();
        foreach (var item in updates ?? [])
        {
            if (item is JsonObject update && update["metadata"] is JsonObject metadata)
            {
                var kind = update["kind"]?.GetValue<string>() == "app_metadata" ? MetadataKind.AppMetadata : MetadataKind.UserMetadata;
                list.Add(new MetadataUpdate(kind, update["user_id"]?.GetValue<string>() ?? "", (JsonObject)metadata.DeepClone(), update["rule"]?.GetValue<string>() ?? ""));
            }
        }
        return list;
    }
}

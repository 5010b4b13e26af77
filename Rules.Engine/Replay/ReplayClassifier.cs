using System.Text.Json.Nodes;

namespace Rules.Engine.Replay;

/// <summary>One field that differs between the two outcomes; values are compact JSON, null when absent.</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>
/// Compares two outcomes in their JSON form (OutcomeJson), ignoring what legitimately differs between runs:
/// timings, logs, the rule-set version. The first matching class wins, most serious first.
/// </summary>
internal static class ReplayClassifier
{
    private static readonly string[] DenialFields = ["rule", "error", "error_description", "kind", "failure"];
    private static readonly string[] RedirectFields = ["decision", "rule", "url"];
    private static readonly string[] ComparedFields = ["decision", .. DenialFields, "url", "mfa", "idToken", "accessToken", "metadataUpdates"];

    public static ReplayClass Classify(JsonObject before, JsonObject after)
    {
        if (IsFailing(after) && !IsFailing(before))
        {
            return ReplayClass.NewlyFailing;
        }

        // A redirect is neither allow nor deny: the login waits for the browser. Going to or from one, or to another page, is a decision change.
        if (IsRedirect(before) || IsRedirect(after))
        {
            return RedirectFields.All(f => Same(before, after, f)) ? ReplayClass.Unchanged : ReplayClass.RedirectChanged;
        }

        var wasAllowed = IsAllowed(before);
        var isAllowed = IsAllowed(after);
        if (wasAllowed && !isAllowed) return ReplayClass.AllowToDeny;
        if (!wasAllowed && isAllowed) return ReplayClass.DenyToAllow;
        if (!isAllowed)
        {
            return DenialFields.All(f => Same(before, after, f)) ? ReplayClass.Unchanged : ReplayClass.DenyChanged;
        }
        if (!Same(before, after, "mfa")) return ReplayClass.MfaChanged;
        if (!Same(before, after, "idToken") || !Same(before, after, "accessToken")) return ReplayClass.ClaimsChanged;
        if (!Same(before, after, "metadataUpdates")) return ReplayClass.MetadataChanged;
        return ReplayClass.Unchanged;
    }

    /// <summary>The differing fields, down to object keys (arrays are compared whole): what a reader needs to see.</summary>
    public static IReadOnlyList<FieldChange> Diff(JsonObject before, JsonObject after)
    {
        var changes = new List<FieldChange>();
        foreach (var field in ComparedFields)
        {
            DiffNode(field, before[field], after[field], changes);
        }
        return changes;
    }

    public static bool IsAllowed(JsonObject outcome) => outcome["decision"]?.GetValue<string>() == "allow";

    public static bool IsRedirect(JsonObject outcome) => outcome["decision"]?.GetValue<string>() == "redirect";

    public static bool IsFailing(JsonObject outcome) =>
        !IsAllowed(outcome) && outcome["kind"] is JsonValue kind && kind.GetValue<string>() is "rule_error" or "timeout" or "limit";

    /// <summary>"allow", "allow with MFA (provider)", or "deny by RULE (kind): reason": one line for tables and test names.</summary>
    public static string Describe(JsonObject outcome) =>
        IsAllowed(outcome)
            ? outcome["mfa"] is JsonObject mfa ? $"allow with MFA ({mfa["provider"]})" : "allow"
            : IsRedirect(outcome)
            ? $"redirect by '{outcome["rule"]?.ToString()}' to {outcome["url"]?.ToString()}"
            : $"deny by '{outcome["rule"]?.ToString()}' ({outcome["kind"]?.ToString()}): {outcome["error_description"]?.ToString()}";

    private static bool Same(JsonObject a, JsonObject b, string field) => JsonNode.DeepEquals(a[field], b[field]);

    private static void DiffNode(string path, JsonNode? before, JsonNode? after, List<FieldChange> changes)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return;
        }
        if (before is JsonObject b && after is JsonObject a)
        {
            foreach (var key in b.Select(p => p.Key).Concat(a.Select(p => p.Key)).Distinct().Order(StringComparer.Ordinal))
            {
                DiffNode($"{path}.{key}", b[key], a[key], changes);
            }
            return;
        }
        changes.Add(new FieldChange(path, before?.ToJsonString(), after?.ToJsonString()));
    }
}

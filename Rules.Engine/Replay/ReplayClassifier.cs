using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rules.Engine.Replay;

/// <summary>One field that differs between the two outcomes; values are compact JSON, null when absent.</summary>
public sealed record FieldChange(string Path, string? Before, string? After);

/// <summary>
/// Compares two outcomes in their JSON form (OutcomeJson), ignoring what legitimately differs between runs:
/// timings, logs, the rule-set version. The first matching class wins, most serious first. Classify reads either
/// node trees or, for replay's every record, JsonElements in place; both answer alike (ReplayClassifierAgreementTests).
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

    /// <summary>
    /// <see cref="Classify(JsonObject, JsonObject)"/> on elements read in place, without building nodes: absent and JSON
    /// null fields are alike, values compare with JsonElement.DeepEquals as parsed nodes do, and a field that is not
    /// the string it must be throws InvalidOperationException as JsonNode.GetValue does.
    /// </summary>
    public static ReplayClass Classify(JsonElement before, JsonElement after)
    {
        // Each side's decision is read once. The baseline's kind is read only when the candidate fails, as the node
        // classifier reads it: a recorded kind that is not a string throws there and nowhere else.
        var (wasAllowed, wasRedirect) = Decision(before);
        var (isAllowed, isRedirect) = Decision(after);
        if (!isAllowed && IsFailureKind(after) && (wasAllowed || !IsFailureKind(before)))
        {
            return ReplayClass.NewlyFailing;
        }

        if (wasRedirect || isRedirect)
        {
            return Same(before, after, "decision") && Same(before, after, "rule") && Same(before, after, "url") ? ReplayClass.Unchanged : ReplayClass.RedirectChanged;
        }

        if (wasAllowed && !isAllowed) return ReplayClass.AllowToDeny;
        if (!wasAllowed && isAllowed) return ReplayClass.DenyToAllow;
        if (!isAllowed)
        {
            foreach (var field in DenialFields)
            {
                if (!Same(before, after, field))
                {
                    return ReplayClass.DenyChanged;
                }
            }
            return ReplayClass.Unchanged;
        }
        if (!Same(before, after, "mfa")) return ReplayClass.MfaChanged;
        if (!Same(before, after, "idToken") || !Same(before, after, "accessToken")) return ReplayClass.ClaimsChanged;
        if (!Same(before, after, "metadataUpdates")) return ReplayClass.MetadataChanged;
        return ReplayClass.Unchanged;
    }

    /// <summary><see cref="IsAllowed(JsonElement)"/> and <see cref="IsRedirect(JsonElement)"/> with one lookup of the decision.</summary>
    private static (bool Allowed, bool Redirect) Decision(JsonElement outcome) =>
        Field(outcome, "decision") is { } decision ? (decision.ValueEquals("allow"), decision.ValueEquals("redirect")) : (false, false);

    private static bool IsFailureKind(JsonElement outcome) =>
        Field(outcome, "kind") is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Array) } kind
        && (kind.ValueEquals("rule_error") || kind.ValueEquals("timeout") || kind.ValueEquals("limit"));

    public static bool IsAllowed(JsonElement outcome) => Field(outcome, "decision") is { } decision && decision.ValueEquals("allow");

    public static bool IsRedirect(JsonElement outcome) => Field(outcome, "decision") is { } decision && decision.ValueEquals("redirect");

    public static bool IsFailing(JsonElement outcome) => !IsAllowed(outcome) && IsFailureKind(outcome);

    private static JsonElement? Field(JsonElement outcome, string name) => ParsedReplayRecord.Property(outcome, name);

    private static bool Same(JsonElement a, JsonElement b, string field) =>
        (Field(a, field), Field(b, field)) switch
        {
            (null, null) => true,
            ({ } x, { } y) => JsonElement.DeepEquals(x, y),
            _ => false,
        };

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

using System.Text.Json.Nodes;
using Rules.Host.Errors;

namespace Rules.Host.Management;

public sealed record RuleCreateRequest(string Name, string Script, long? Order, bool? Enabled);

public sealed record RuleUpdateRequest(string? Name, string? Script, long? Order, bool? Enabled);

/// <summary>
/// Rule bodies: Auth0's rule object fields. The script's size is checked with the whole set by the compiler
/// (SandboxOptions.MaxRuleSetSourceBytes); here only its type. Only the login_success stage exists.
/// </summary>
public static class RuleRequestValidator
{
    public const int MaxNameLength = 255;

    private static readonly string[] Fields = ["name", "script", "order", "enabled", "stage"];

    public static Validated<RuleCreateRequest> ValidateCreate(JsonObject body)
    {
        var reader = new PayloadReader(body).AllowOnly(Fields);
        var name = reader.String("name", required: true, maxLength: MaxNameLength);
        var script = reader.String("script", required: true, maxLength: int.MaxValue);
        var order = reader.Integer("order", 0, int.MaxValue);
        var enabled = reader.Boolean("enabled");
        CheckStage(reader);
        CheckName(reader, name);
        return reader.Error is { } error ? error : new RuleCreateRequest(name!, script!, order, enabled);
    }

    public static Validated<RuleUpdateRequest> ValidateUpdate(JsonObject body)
    {
        var reader = new PayloadReader(body).AllowOnly(Fields).RequireAny();
        var name = reader.String("name", maxLength: MaxNameLength);
        var script = reader.String("script", maxLength: int.MaxValue);
        var order = reader.Integer("order", 0, int.MaxValue);
        var enabled = reader.Boolean("enabled");
        CheckStage(reader);
        CheckName(reader, name);
        return reader.Error is { } error ? error : new RuleUpdateRequest(name, script, order, enabled);
    }

    private static void CheckStage(PayloadReader reader)
    {
        if (reader.String("stage") is { } stage && stage != StoredRule.LoginSuccess)
        {
            reader.Fail($"Payload validation error: 'Only the {StoredRule.LoginSuccess} stage is supported, not {stage}' on property stage.");
        }
    }

    // The name is also the rule's file name in compiler messages (rules/NAME.js): keep it printable on one line.
    private static void CheckName(PayloadReader reader, string? name)
    {
        if (name is not null && (name.Any(char.IsControl) || name.Trim() != name || name.Contains('/') || name.Contains('\\')))
        {
            reader.Fail("Payload validation error: 'A rule name may not start or end with whitespace, nor contain control characters, \"/\" or \"\\\"' on property name.");
        }
    }
}

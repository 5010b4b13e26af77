using System.Text.Json.Nodes;
using Rules.Host.Storage;

namespace Rules.Host.Impersonation;

/// <summary>
/// How the impersonated login completes, fixed when the link is created and stored with it: the link's
/// redemption never reads any of this from its own request, so the callback is always the validated one.
/// </summary>
public sealed record ImpersonationParameters(
    string Protocol,
    string ResponseType,
    string ResponseMode,
    string CallbackUrl,
    IReadOnlyList<string> Scopes,
    string? State,
    string? Nonce)
{
    public const string Code = "code";
    public const string Token = "token";

    public string Scope => string.Join(' ', Scopes);

    public JsonObject ToJson() => new()
    {
        ["protocol"] = Protocol,
        ["response_type"] = ResponseType,
        ["response_mode"] = ResponseMode,
        ["callback_url"] = CallbackUrl,
        ["scope"] = Scope,
        ["state"] = State,
        ["nonce"] = Nonce,
    };

    public static ImpersonationParameters FromJson(string json)
    {
        var obj = JsonColumns.ReadObject(json);
        return new ImpersonationParameters(
            obj["protocol"]!.GetValue<string>(),
            obj["response_type"]!.GetValue<string>(),
            obj["response_mode"]!.GetValue<string>(),
            obj["callback_url"]!.GetValue<string>(),
            obj["scope"]!.GetValue<string>().Split(' ', StringSplitOptions.RemoveEmptyEntries),
            obj["state"]?.GetValue<string>(),
            obj["nonce"]?.GetValue<string>());
    }
}

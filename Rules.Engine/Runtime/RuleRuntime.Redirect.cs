using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Interop;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// Redirect rules: context.redirect = { url } (rules) and api.redirect.* (actions) suspend the login after the entry that
// asked. The check after each entry is one property read, so logins that never redirect pay nothing else.
internal sealed partial class RuleRuntime
{
    // One key object for the read after every rule: a string argument would allocate a JsString each time.
    private static readonly JsString RedirectKey = new("redirect");

    /// <summary>The one-time state of this login's redirect, made when first needed (a redirect, or encodeToken).</summary>
    private string? _redirectState;

    private string RedirectState => _redirectState ??= Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads <c>context.redirect</c> after an entry called back with success: no redirect, a checked one, or the rule's error.</summary>
    private (RedirectRequest? Redirect, Denial? Denial) ReadRedirect(CompiledRule rule, JsValue context, JsonObject input)
    {
        if (context is not ObjectInstance contextObject)
        {
            return (null, null);
        }
        var value = JsonBridge.GetData(contextObject, RedirectKey);
        if (value.IsNull() || value.IsUndefined())
        {
            return (null, null);
        }
        // A transaction may bring the field in (a login recorded elsewhere): only a rule's change asks for a redirect.
        if (input.TryGetPropertyValue("redirect", out var given) && JsonNode.DeepEquals(JsonBridge.ToJson(value), given))
        {
            return (null, null);
        }

        var url = value is ObjectInstance redirect ? JsonBridge.GetData(redirect, "url") : JsValue.Undefined;
        var problem = url.IsString() ? RedirectTarget.Check(url.ToString()) : "context.redirect must be { url: 'https://…' }";
        if (problem is not null)
        {
            return (null, new Denial(DenialKind.RuleError, rule.Name, "access_denied", DenialDescriptions.RuleFailed(rule.Name),
                new RuleFailure($"rule '{rule.Name}' asked for a redirect that cannot be followed: {problem}", rule.Source.File)));
        }
        return (new RedirectRequest(url.ToString(), RedirectState), null);
    }

    private void AddRedirectHost(JsObject host)
    {
        host.SetFunction(_engine, BootstrapHost.RedirectWithQuery, (_, args) =>
        {
            var parameters = new List<KeyValuePair<string, string>>();
            if (JsonBridge.ToJson(args[1]) is JsonObject query)
            {
                foreach (var (name, item) in query)
                {
                    if (item is not null)
                    {
                        parameters.Add(new(name, item is JsonValue v && v.TryGetValue<string>(out var text) ? text : item.ToJsonString()));
                    }
                }
            }
            return new JsString(RedirectTarget.WithQuery(args[0].ToString(), parameters));
        });
        host.SetFunction(_engine, BootstrapHost.EncodeRedirectToken, (_, args) =>
        {
            // args: secret, payload, expiresInSeconds, defaults { iss, sub, ip }
            var secret = args[0].ToString();
            if (RedirectTokens.CheckSecret(secret) is { } problem)
            {
                return Problem(problem);
            }
            var now = _clock.GetUtcNow();
            var claims = JsonBridge.ToJson(args[3]) as JsonObject ?? [];
            if (JsonBridge.ToJson(args[1]) is JsonObject payload)
            {
                foreach (var (name, item) in payload)
                {
                    claims[name] = item?.DeepClone();
                }
            }
            claims["iat"] = now.ToUnixTimeSeconds();
            claims["exp"] = now.ToUnixTimeSeconds() + (long)args[2].AsNumber();
            claims["state"] = RedirectState;
            return Result(new JsString(RedirectTokens.Encode(secret, claims)));
        });
        host.SetFunction(_engine, BootstrapHost.ValidateRedirectToken, (_, args) =>
        {
            // args: secret, token, state
            var secret = args[0].ToString();
            if (RedirectTokens.CheckSecret(secret) is { } problem)
            {
                return Problem(problem);
            }
            var (claims, error) = RedirectTokens.Validate(secret, args[1].ToString(), _clock.GetUtcNow(), args[2].IsString() ? args[2].ToString() : null);
            return claims is null ? Problem(error!) : Result(JsonBridge.ToJs(_engine, claims));
        });
    }

    private JsObject Result(JsValue value)
    {
        var result = new JsObject(_engine);
        result.FastSetDataProperty("value", value);
        return result;
    }

    /// <summary>A refusal the bootstrap turns into a thrown Error (host functions do not throw into rules).</summary>
    private JsObject Problem(string message)
    {
        var result = new JsObject(_engine);
        result.FastSetDataProperty("problem", new JsString(message));
        return result;
    }
}

using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// context.multifactor (rules) and api.multifactor.enable (actions, which write the same field): read after every rule,
// so a provider this host cannot challenge with denies at the rule that asked for it, and the value left after the last
// rule is the outcome's. Last writer wins, as on Auth0, where it is one property of one context.
internal sealed partial class RuleRuntime
{
    // One key object for every lookup: a string argument would allocate a JsString per rule on every login.
    private static readonly JsString MultifactorKey = new("multifactor");
    private static readonly JsString ProviderKey = new("provider");
    private static readonly JsString AllowRememberBrowserKey = new("allowRememberBrowser");

    private MultifactorRequest? _multifactor;

    /// <summary>
    /// Reads the context a rule passed on (or, when it passed on another object without the field, the one it received,
    /// so a request is not lost to a stray object); a denial when what it holds cannot be honoured. One property lookup
    /// when absent.
    /// </summary>
    private Denial? ReadMultifactor(CompiledRule rule, JsValue received, JsValue passedOn)
    {
        try
        {
            var denial = ReadMultifactor(rule, passedOn);
            return denial is null && _multifactor is null && !ReferenceEquals(received, passedOn) ? ReadMultifactor(rule, received) : denial;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A Proxy passed as context runs the rule's traps here: their errors and limits are the rule's.
            return Classify(e, rule);
        }
    }

    private Denial? ReadMultifactor(CompiledRule rule, JsValue context)
    {
        if (context is not ObjectInstance contextObject)
        {
            _multifactor = null;
            return null;
        }

        var descriptor = contextObject.GetOwnProperty(MultifactorKey);
        if (descriptor == PropertyDescriptor.Undefined)
        {
            _multifactor = null;
            return null;
        }
        if (!descriptor.IsDataDescriptor())
        {
            return MultifactorError(rule, "context.multifactor must be a plain object like { provider: 'any' }, not a getter");
        }

        var value = descriptor.Value;
        if (value.IsUndefined() || value.IsNull())
        {
            _multifactor = null;
            return null;
        }
        if (value is not ObjectInstance request || request.IsCallable())
        {
            return MultifactorError(rule, "context.multifactor must be an object like { provider: 'any', allowRememberBrowser: false }");
        }

        var providerValue = Data(request, ProviderKey);
        // Auth0 documents provider as required; a request without one still asks for a second factor, so it is not skipped.
        var provider = providerValue.IsUndefined() || providerValue.IsNull() ? "any" : providerValue.IsString() ? providerValue.ToString() : null;
        if (provider is null)
        {
            return MultifactorError(rule, "context.multifactor.provider must be a string such as 'any'");
        }
        if (provider == MultifactorProviders.None)
        {
            _multifactor = null;
            return null;
        }
        if (!MultifactorProviders.IsChallengeable(provider))
        {
            return MultifactorError(rule,
                $"multi-factor provider '{Truncate(provider)}' is not available on this host; only a TOTP authenticator app is "
                + $"({string.Join(", ", MultifactorProviders.Challengeable.Select(p => $"'{p}'"))}). The login is denied rather than let through without the second factor");
        }

        _multifactor = new MultifactorRequest(provider, Data(request, AllowRememberBrowserKey).Equals(JsBoolean.True));
        return null;
    }

    private static JsValue Data(ObjectInstance obj, JsString key) =>
        obj.GetOwnProperty(key) is { } descriptor && descriptor != PropertyDescriptor.Undefined && descriptor.IsDataDescriptor() ? descriptor.Value : JsValue.Undefined;

    private static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static Denial MultifactorError(CompiledRule rule, string message) =>
        new(DenialKind.RuleError, rule.Name, "access_denied", DenialDescriptions.RuleFailed(rule.Name), new RuleFailure(message, rule.Source.File));
}

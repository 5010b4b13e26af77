using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime.Descriptors;
using Rules.Engine.Compilation;
using Rules.Engine.Linting;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

// Effects a rule asks for by setting a context field that this server cannot carry out: each one denies the login.
internal sealed partial class RuleRuntime
{
    private static readonly (ContextEffect Effect, JsString Key)[] RefusedEffects =
        ContextEffects.Refused.Select(e => (e, new JsString(e.Field))).ToArray();

    /// <summary>
    /// A denial when the rule that just called back with success left a refused effect on the context it received or
    /// the one it passed on. Checked after every rule, so a later rule cannot hide what an earlier one asked for.
    /// </summary>
    private Denial? RefusedEffect(CompiledRule rule, JsValue received, JsValue passedOn, JsonObject input)
    {
        try
        {
            foreach (var (effect, key) in RefusedEffects)
            {
                if (AsksFor(received, key, input) || !ReferenceEquals(received, passedOn) && AsksFor(passedOn, key, input))
                {
                    return EffectDenial(rule, effect);
                }
            }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A Proxy passed as context runs the rule's traps here: their errors and limits are the rule's.
            return Classify(e, rule);
        }
    }

    private static bool AsksFor(JsValue context, JsString key, JsonObject input)
    {
        if (context is not ObjectInstance obj)
        {
            return false;
        }
        var descriptor = obj.GetOwnProperty(key);
        if (descriptor == PropertyDescriptor.Undefined)
        {
            return false;
        }
        if (!descriptor.IsDataDescriptor())
        {
            // A getter could answer anything to whoever reads it: the field is set, and nothing will carry it out.
            return true;
        }
        var value = descriptor.Value;
        if (value.IsUndefined() || value.IsNull())
        {
            return false;
        }
        // A transaction may bring the field in (a login recorded elsewhere): only a rule's change asks for something.
        return !input.TryGetPropertyValue(key.ToString(), out var given) || !JsonNode.DeepEquals(JsonBridge.ToJson(value), given);
    }

    private static Denial EffectDenial(CompiledRule rule, ContextEffect effect)
    {
        var at = RuleLinter.LocateEffectWrite(rule, effect.Field);
        return new Denial(DenialKind.RuleError, rule.Name, "access_denied",
            DenialDescriptions.Failed($"rule '{rule.Name}' set context.{effect.Field}, which this server does not carry out"),
            new RuleFailure($"rule '{rule.Name}' set {effect.RefusalMessage}", rule.Source.File, at?.Line, at?.Column,
                at is { } position ? rule.SourceLine(position.Line) : null));
    }
}

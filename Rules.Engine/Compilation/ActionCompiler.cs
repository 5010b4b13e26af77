using Acornima;
using Acornima.Ast;
using Jint;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Compilation;

/// <summary>
/// Compiles Actions-style files: a CommonJS module that sets <c>exports.onExecutePostLogin = async (event, api) => { ... }</c>.
/// The file runs unmodified inside a function that provides <c>exports</c> and <c>module</c>; the runtime calls
/// the exported handler with an <c>event</c> and <c>api</c> built from the same login the rules see.
/// </summary>
internal static class ActionCompiler
{
    /// <summary>On line 1 only, so the author's line numbers stay as they are and columns shift by its length.</summary>
    internal const string WrapperPrefix = "(function (exports, module) {";

    private const string Handler = "onExecutePostLogin";

    /// <summary>
    /// Null when the file is not an Actions-style module (it is left to the rule compiler); otherwise exactly one of
    /// the result's members is set.
    /// </summary>
    public static (CompiledRule? Rule, RuleCompilationError? Error)? TryCompile(RuleSource rule, ScriptCache cache)
    {
        // Every module names `exports`; an ordinary rule rarely does, and then skips this second parse.
        if (!rule.Script.Contains("exports", StringComparison.Ordinal))
        {
            return null;
        }

        Script script;
        try
        {
            script = new Parser(new ParserOptions { Tolerant = false }).ParseScript(rule.Script, rule.File);
        }
        catch (ParseErrorException e)
        {
            // A module with a syntax error is still a module: report the script's own error, not the rule wrapper's.
            return LooksLikeModule(rule.Script)
                ? (null, new RuleCompilationError(rule.Name, rule.File, e.LineNumber, e.Column + 1, e.Description, SourceLine(rule, e.LineNumber)))
                : null;
        }

        var exports = script.Body.OfType<ExpressionStatement>()
            .Select(s => s.Expression)
            .OfType<AssignmentExpression>()
            .Where(a => ExportedName(a.Left, out _))
            .ToList();
        if (exports.Count == 0)
        {
            return null;
        }

        var names = exports.SelectMany(ExportedNames).ToHashSet(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            // `module.exports = myRule;` after a rule function is how some teams unit-tested rules in Node: not an
            // Actions module, so the rule compiler's "one function per file" message is the one that helps.
            return null;
        }
        if (!names.Contains(Handler))
        {
            var first = exports[0];
            var unsupported = names.FirstOrDefault(n => n.StartsWith("onExecute", StringComparison.Ordinal) || n.StartsWith("onContinue", StringComparison.Ordinal));
            var message = unsupported is null
                ? $"an Actions-style file must export {Handler}: exports.{Handler} = async (event, api) => {{ ... }}"
                : $"exports.{unsupported} is not supported by this host: it runs the post-login trigger only (exports.{Handler})";
            return (null, new RuleCompilationError(rule.Name, rule.File, first.Location.Start.Line, first.Location.Start.Column + 1, message, SourceLine(rule, first.Location.Start.Line)));
        }

        // The newline keeps a trailing line comment from swallowing the closing brace.
        var wrapped = WrapperPrefix + rule.Script + "\n})";
        var prepared = cache.GetOrPrepare(wrapped, rule.File);
        return (new CompiledRule(rule, prepared, WrapperPrefix.Length, RuleKind.Action), null);
    }

    private static bool LooksLikeModule(string source) =>
        source.Contains("exports." + Handler, StringComparison.Ordinal) || source.Contains("module.exports", StringComparison.Ordinal);

    /// <summary>The handler names one top-level assignment exports: <c>exports.x = ...</c>, <c>module.exports.x = ...</c> or <c>module.exports = { x, ... }</c>.</summary>
    private static IEnumerable<string> ExportedNames(AssignmentExpression assignment)
    {
        if (ExportedName(assignment.Left, out var name) && name is not null)
        {
            return [name];
        }

        if (assignment.Right is ObjectExpression obj)
        {
            return obj.Properties.OfType<Property>()
                .Select(p => p.Key switch { Identifier id when !p.Computed => id.Name, StringLiteral s => s.Value, _ => null })
                .Where(n => n is not null)
                .Cast<string>()
                .ToArray();
        }
        return [];
    }

    /// <summary>True when <paramref name="target"/> is <c>exports.X</c>, <c>module.exports.X</c> (name X) or <c>module.exports</c> (name null).</summary>
    private static bool ExportedName(Node target, out string? name)
    {
        name = null;
        if (target is not MemberExpression member)
        {
            return false;
        }

        if (IsModuleExports(member))
        {
            return true;
        }

        if (member.Object is Identifier { Name: "exports" } || member.Object is MemberExpression inner && IsModuleExports(inner))
        {
            name = member.Property switch
            {
                Identifier id when !member.Computed => id.Name,
                StringLiteral s => s.Value,
                _ => null,
            };
            return true;
        }
        return false;
    }

    private static bool IsModuleExports(MemberExpression member) =>
        member.Object is Identifier { Name: "module" } && !member.Computed && member.Property is Identifier { Name: "exports" };

    private static string? SourceLine(RuleSource rule, int line)
    {
        var lines = rule.Script.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
    }
}

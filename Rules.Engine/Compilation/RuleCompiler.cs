using System.Text;
using Acornima;
using Acornima.Ast;
using Jint;
using Rules.Engine.Modules;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Compilation;

/// <summary>
/// Turns rule files, exactly as Auth0 stored them, into prepared scripts: leading comments, then one
/// function (named or anonymous, expression or declaration) taking <c>(user, context, callback)</c>.
/// A file that assigns <c>exports.onExecutePostLogin</c> (or <c>module.exports</c>) is an Actions-style module
/// instead, compiled by <see cref="ActionCompiler"/>.
/// </summary>
public static class RuleCompiler
{
    /// <summary>Compiles every rule of <paramref name="ruleSet"/> and links the modules they require. Never throws for a bad rule: every error is collected in the result, so an author sees all of them at once.</summary>
    /// <param name="ruleSet">The rules, configuration and packages to compile.</param>
    /// <param name="options">The sandbox limits the compiled set will run under; <see cref="Sandbox.SandboxOptions.Default"/> when null.</param>
    /// <param name="cache">Where parsed scripts are kept and shared; <see cref="ScriptCache.Shared"/> when null.</param>
    public static RuleSetCompilation Compile(RuleSet ruleSet, SandboxOptions? options = null, ScriptCache? cache = null)
    {
        options ??= SandboxOptions.Default;
        cache ??= ScriptCache.Shared;

        var errors = new List<RuleCompilationError>();
        var totalBytes = ruleSet.Rules.Sum(r => Encoding.UTF8.GetByteCount(r.Script));
        if (totalBytes > options.MaxRuleSetSourceBytes)
        {
            var largest = ruleSet.Rules.MaxBy(r => r.Script.Length)!;
            errors.Add(new RuleCompilationError(largest.Name, largest.File, 0, 0,
                $"the rule set's source is {totalBytes:N0} bytes, over the {options.MaxRuleSetSourceBytes:N0}-byte limit (largest rule: '{largest.Name}')", null));
            return new RuleSetCompilation(ruleSet, null, errors);
        }

        var compiled = new List<CompiledRule>(ruleSet.Rules.Count);
        foreach (var rule in ruleSet.Rules)
        {
            var result = CompileRule(rule, cache);
            if (result.Error is not null)
            {
                errors.Add(result.Error);
            }
            else
            {
                compiled.Add(result.Rule!);
            }
        }

        if (errors.Count > 0)
        {
            return new RuleSetCompilation(ruleSet, null, errors);
        }

        // Every require is resolved now, so a missing module fails here and never at login time.
        var (modules, moduleErrors) = ModuleLinker.Link(compiled, ModuleRegistry.For(options.HostModules, ruleSet.Packages), cache);
        return modules is null
            ? new RuleSetCompilation(ruleSet, null, moduleErrors)
            : new RuleSetCompilation(ruleSet, new CompiledRuleSet(ruleSet, compiled, options, modules), errors);
    }

    /// <summary>Compiles one rule; exactly one of the result's members is set.</summary>
    internal static (CompiledRule? Rule, RuleCompilationError? Error) CompileRule(RuleSource rule, ScriptCache? cache = null)
    {
        cache ??= ScriptCache.Shared;

        if (string.IsNullOrWhiteSpace(StripComments(rule.Script)))
        {
            return (null, new RuleCompilationError(rule.Name, rule.File, 1, 1, "the file holds no function: a rule is one function (user, context, callback)", null));
        }

        if (ActionCompiler.TryCompile(rule, cache) is { } action)
        {
            return action;
        }

        // Auth0 evaluated each rule as an expression, which is what lets an anonymous
        // `function (user, context, callback) {}` stand alone in a file. The newline keeps a trailing line comment closed.
        var wrapped = "(" + rule.Script + "\n)";
        ParseErrorException? wrappedError;
        try
        {
            var prepared = cache.GetOrPrepare(wrapped, rule.File);
            var shapeError = CheckIsSingleFunction(rule, prepared.Program!);
            return shapeError is null ? (new CompiledRule(rule, prepared, 1), null) : (null, shapeError);
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException parse)
        {
            wrappedError = parse;
        }

        // A named declaration followed by `;` or other statements is not an expression; read the file as a script
        // and keep just the declaration, which still starts at the same place.
        var fallback = TryCompileAsDeclaration(rule, cache, out var fallbackError);
        if (fallback.Rule is not null || fallback.Error is not null)
        {
            return fallback;
        }

        // Acornima's columns are 0-based; the wrapper's "(" shifts the first line by one.
        var (line, column) = (wrappedError.LineNumber, wrappedError.Column + 1 - (wrappedError.LineNumber == 1 ? 1 : 0));
        if (fallbackError is not null && (fallbackError.LineNumber > line || (fallbackError.LineNumber == line && fallbackError.Column + 1 > column)))
        {
            return (null, SyntaxError(rule, fallbackError, fallbackError.LineNumber, fallbackError.Column + 1));
        }
        return (null, SyntaxError(rule, wrappedError, line, Math.Max(1, column)));
    }

    private static (CompiledRule? Rule, RuleCompilationError? Error) TryCompileAsDeclaration(RuleSource rule, ScriptCache cache, out ParseErrorException? error)
    {
        error = null;
        Script script;
        try
        {
            script = new Parser(new ParserOptions { Tolerant = false }).ParseScript(rule.Script, rule.File);
        }
        catch (ParseErrorException e)
        {
            error = e;
            return (null, null);
        }

        var statements = script.Body.Where(s => s is not EmptyStatement).ToList();
        if (statements is not [FunctionDeclaration declaration])
        {
            return (null, NotASingleFunction(rule, statements));
        }

        var text = rule.Script[..declaration.Range.End];
        var leading = text[..declaration.Range.Start].Replace(';', ' ');
        var wrapped = "(" + leading + text[declaration.Range.Start..] + "\n)";
        var prepared = cache.GetOrPrepare(wrapped, rule.File);
        return (new CompiledRule(rule, prepared, 1), null);
    }

    private static RuleCompilationError? CheckIsSingleFunction(RuleSource rule, Script program)
    {
        var statements = program.Body.Where(s => s is not EmptyStatement).ToList();
        if (statements is [ExpressionStatement { Expression: FunctionExpression or ArrowFunctionExpression }])
        {
            return null;
        }
        return NotASingleFunction(rule, statements);
    }

    private static RuleCompilationError NotASingleFunction(RuleSource rule, IReadOnlyList<Statement> statements)
    {
        var offender = statements.FirstOrDefault(s => s is not FunctionDeclaration) ?? statements.ElementAtOrDefault(1) ?? statements.FirstOrDefault();
        var (line, column) = offender is null ? (1, 1) : (offender.Location.Start.Line, offender.Location.Start.Column + 1);
        var found = statements.Count(s => s is FunctionDeclaration) > 1 ? "more than one function" : "code outside the rule function";
        return new RuleCompilationError(rule.Name, rule.File, line, column,
            $"a rule file holds exactly one function (user, context, callback); found {found}", SourceLineOf(rule, line));
    }

    private static RuleCompilationError SyntaxError(RuleSource rule, ParseErrorException error, int line, int column) =>
        new(rule.Name, rule.File, line, column, error.Description, SourceLineOf(rule, line));

    private static string? SourceLineOf(RuleSource rule, int line)
    {
        var lines = rule.Script.Split('\n');
        return line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : null;
    }

    /// <summary>Removes // and /* */ comments well enough to tell whether anything else is in the file.</summary>
    private static string StripComments(string source)
    {
        var builder = new StringBuilder(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n') i++;
            }
            else if (source[i] == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + 1;
            }
            else
            {
                builder.Append(source[i]);
            }
        }
        return builder.ToString();
    }
}

using System.CommandLine;
using Rules.Engine.Compilation;
using Rules.Engine.Linting;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules check RULES_DIR [--strict]</c>: compiles every rule and reports errors as file:line:col, then lints the rules
/// that compile (Rules.Engine.Linting) and prints warnings the same way; <c>--strict</c> makes warnings errors.
/// </summary>
public static class CheckCommand
{
    public sealed record Parameters(string RulesDirectory, bool Strict = false);

    public const string Examples = """
        Examples:
          rules check Rules.Samples/rules
          rules check ./my-tenant/rules && echo "ready to deploy"
          rules check --strict ./rules                   lint warnings fail the check too (for CI)

        Warnings (file:line:col: warning: ... [code]) flag code that compiles but will not work here: require()
        and other APIs the sandbox lacks, writes to reserved claims or user.impersonated/impersonator, custom
        claims without a namespace, a function that does not take (user, context, callback), a return that
        never calls callback. See docs/authoring-rules.md, "Lints".
        Errors flag code that can only deny: [unsupported-effect] a rule that sets context.samlConfiguration,
        context.primaryUser or context.jwtConfiguration asks for something this server does not carry out;
        [unavailable-api] a require() that cannot resolve, reached on every path before the callback. Every
        login that reaches such a rule is denied. A rule with an error is not listed as "ok".
        Exit codes: 0 every rule compiles (warnings allowed unless --strict), 1 some rule does not compile, has a
        lint error, or, with --strict, has warnings, 2 the directory cannot be read.
        """;

    public static int Run(Parameters parameters, TextWriter output, TextWriter error)
    {
        var compilation = RuleSetLoading.LoadAndCompile(parameters.RulesDirectory, error, out var exitCode);
        if (compilation is null)
        {
            return exitCode;
        }

        foreach (var warning in compilation.RuleSet.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        var lints = RuleLinter.Lint(compilation.RuleSet, RuleSetLoading.WithHostModules.HostModules);
        var failed = compilation.Errors.Select(e => e.Rule)
            .Concat(lints.Where(l => parameters.Strict || l.Severity == LintSeverity.Error).Select(l => l.Rule))
            .ToHashSet(StringComparer.Ordinal);
        var actions = (compilation.Compiled?.Rules ?? []).Where(r => r.Kind == RuleKind.Action).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in compilation.RuleSet.Rules.Where(r => !failed.Contains(r.Name)))
        {
            output.WriteLine($"ok    {rule.Name} ({rule.File}){(actions.Contains(rule.Name) ? " [action]" : "")}{(rule.Enabled ? "" : " [disabled]")}");
        }

        RuleSetLoading.WriteErrors(compilation, error);

        foreach (var lint in lints)
        {
            error.WriteLine(lint.Format(parameters.Strict ? "error" : null));
        }
        var lintErrors = lints.Count(l => l.Severity == LintSeverity.Error);

        var total = compilation.RuleSet.Rules.Count;
        if (!compilation.Succeeded)
        {
            error.WriteLine($"{compilation.Errors.Count} error(s) in {total} rule(s)");
            return ExitCodes.Failed;
        }
        if (lintErrors > 0 && !parameters.Strict)
        {
            error.WriteLine($"{lintErrors} rule error(s) in {total} rule(s): every login that reaches them is denied");
            return ExitCodes.Failed;
        }
        if (parameters.Strict && lints.Count > 0)
        {
            error.WriteLine($"{lints.Count} lint error(s) in {total} rule(s) (--strict)");
            return ExitCodes.Failed;
        }

        output.WriteLine($"{total} rule(s) compiled, rule set version {compilation.RuleSet.Version}{(lints.Count > 0 ? $", {lints.Count} warning(s)" : "")}");
        return ExitCodes.Ok;
    }

    public static Command Build(TextWriter output, TextWriter error)
    {
        var directory = new Argument<string>("RULES_DIR") { Description = "Directory of *.js rules (optionally with rules.json), or an Auth0 Deploy CLI export (directory or tenant.yaml)" };
        var strict = new Option<bool>("--strict") { Description = "Treat lint warnings as errors (exit 1)" };
        var command = new Command("check", "Compile, validate and lint every rule; problems are printed as file:line:col.\n\n" + Examples) { directory, strict };
        command.SetAction(result => Run(new Parameters(result.GetValue(directory)!, result.GetValue(strict)), output, error));
        return command;
    }
}

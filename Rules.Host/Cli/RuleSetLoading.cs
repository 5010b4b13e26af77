using Rules.Engine.Compilation;
using Rules.Engine.RuleSets;

namespace Rules.Host.Cli;

/// <summary>Loading and compiling a rules directory the same way for every verb, with errors printed for people.</summary>
internal static class RuleSetLoading
{
    /// <summary>Loads and compiles; on failure writes the errors to <paramref name="error"/> and returns null.</summary>
    public static RuleSetCompilation? LoadAndCompile(string directory, TextWriter error, out int exitCode)
    {
        RuleSet ruleSet;
        try
        {
            ruleSet = RuleSetDirectory.Load(directory);
        }
        catch (RuleSetException e)
        {
            error.WriteLine($"error: {e.Message}");
            exitCode = ExitCodes.BadInput;
            return null;
        }

        exitCode = ExitCodes.Ok;
        return RuleCompiler.Compile(ruleSet);
    }

    /// <summary>
    /// The rule set in <paramref name="directory"/>, compiled, for a verb that runs it (eval, test, replay). Null when it
    /// cannot be read or does not compile, with the reasons and the way on (<c>rules check</c>) written to
    /// <paramref name="error"/>: such a verb runs nothing and exits <see cref="ExitCodes.BadInput"/>.
    /// </summary>
    public static CompiledRuleSet? CompileOrRefuse(string directory, TextWriter error)
    {
        var compilation = LoadAndCompile(directory, error, out _);
        if (compilation is null)
        {
            return null;
        }
        if (!compilation.Succeeded)
        {
            WriteErrors(compilation, error);
            error.WriteLine($"error: the rule set in '{directory}' does not compile; run `rules check {directory}`");
            return null;
        }
        return compilation.Compiled!;
    }

    public static void WriteErrors(RuleSetCompilation compilation, TextWriter writer)
    {
        foreach (var error in compilation.Errors)
        {
            writer.WriteLine(error.Format());
        }
    }
}

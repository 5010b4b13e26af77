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
        return RuleCompiler.Compile(ruleSet, WithHostModules);
    }

    /// <summary>The default limits with the modules this server provides (<c>auth0</c>), so every verb resolves what <c>rules serve</c> resolves.</summary>
    public static Rules.Engine.Sandbox.SandboxOptions WithHostModules { get; } = new() { HostModules = Modules.Auth0.Auth0ModuleSource.All };

    public static void WriteErrors(RuleSetCompilation compilation, TextWriter writer)
    {
        foreach (var error in compilation.Errors)
        {
            writer.WriteLine(error.Format());
        }
    }
}

using System.CommandLine;

namespace Rules.Host.Cli;

/// <summary><c>rules modules add|list|remove</c>: the npm packages an operator vetted for a rule set (see docs/authoring-rules.md, "Modules").</summary>
public static class ModulesCommand
{
    public static Command Build(TextWriter output, TextWriter error) =>
        new("modules", "Manage the npm packages rules may require (modules.lock.json beside the rules).")
        {
            ModulesAddCommand.Build(output, error),
            ModulesListCommand.Build(output, error),
            ModulesRemoveCommand.Build(output, error),
        };
}

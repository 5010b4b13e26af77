using System.CommandLine;
using Rules.Engine.Modules;

namespace Rules.Host.Cli;

/// <summary><c>rules modules list [--rules DIR]</c>: the packages in modules.lock.json, and the built-ins every rule set has.</summary>
public static class ModulesListCommand
{
    public static int Run(string rulesDirectory, TextWriter output, TextWriter error)
    {
        ModulesLock? @lock;
        try
        {
            @lock = ModulesLock.Read(rulesDirectory);
        }
        catch (Rules.Engine.RuleSets.RuleSetException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        output.WriteLine($"built-in: {string.Join(", ", BuiltInModuleNames)}");
        if (@lock is null || @lock.Packages.Count == 0)
        {
            output.WriteLine($"no npm packages in '{rulesDirectory}' (add one with `rules modules add NAME@VERSION`)");
            return ExitCodes.Ok;
        }
        foreach (var package in @lock.Packages)
        {
            var dependencies = package.Dependencies.Count == 0 ? "" : "  needs " + string.Join(", ", package.Dependencies.Select(d => $"{d.Key}@{d.Value}"));
            output.WriteLine($"{package.Key}  {package.Integrity}{dependencies}");
        }
        return ExitCodes.Ok;
    }

    internal static IEnumerable<string> BuiltInModuleNames => ["buffer", "crypto", "jsonwebtoken", "querystring", "url", "util", "uuid", "@auth0/rule-utilities"];

    public static Command Build(TextWriter output, TextWriter error)
    {
        var rules = new Option<string>("--rules") { Description = "The rules directory", DefaultValueFactory = _ => "." };
        var command = new Command("list", "List the npm packages vetted for a rule set.") { rules };
        command.SetAction(result => Run(result.GetValue(rules)!, output, error));
        return command;
    }
}

using System.CommandLine;
using Rules.Engine.Modules;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules modules remove NAME[@VERSION] [--rules DIR]</c>: drops a package from modules.lock.json and deletes its
/// files, with the dependencies it brought that no remaining package needs. Refused while another locked package
/// depends on it. Rules that still require it stop compiling, which
/// <c>rules check</c> shows.
/// </summary>
public static class ModulesRemoveCommand
{
    public static int Run(string package, string rulesDirectory, TextWriter output, TextWriter error)
    {
        var at = package.LastIndexOf('@');
        var (name, version) = at > 0 ? (package[..at], package[(at + 1)..]) : (package, (string?)null);
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
        var removed = @lock?.Packages.Where(p => p.Name == name && (version is null || p.Version == version)).ToArray() ?? [];
        if (removed.Length == 0)
        {
            error.WriteLine($"error: {package} is not in {Path.Combine(rulesDirectory, ModulesLock.FileName)}");
            return ExitCodes.BadInput;
        }
        var dependents = @lock!.DependentsOf(removed);
        if (dependents.Count > 0)
        {
            error.WriteLine($"error: {string.Join(", ", dependents.Select(d => d.Key))} depend(s) on {package}; remove those first");
            return ExitCodes.Failed;
        }

        var (remaining, dropped) = @lock.Remove(removed);
        remaining.Write(rulesDirectory);
        foreach (var entry in dropped)
        {
            var folder = ModulesLock.PackageFolder(rulesDirectory, entry.Name, entry.Version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            output.WriteLine(removed.Contains(entry) ? $"removed {entry.Key}" : $"removed {entry.Key} (no remaining package needs it)");
        }
        return ExitCodes.Ok;
    }

    public static Command Build(TextWriter output, TextWriter error)
    {
        var package = new Argument<string>("NAME[@VERSION]") { Description = "The package, and the version when several are installed" };
        var rules = new Option<string>("--rules") { Description = "The rules directory", DefaultValueFactory = _ => "." };
        var command = new Command("remove", "Remove an npm package from a rule set.") { package, rules };
        command.SetAction(result => Run(result.GetValue(package)!, result.GetValue(rules)!, output, error));
        return command;
    }
}

using System.CommandLine;

namespace Rules.Host.Cli;

/// <summary>The command line: verbs, their options and help. Each verb's work lives in its own XxxCommand class.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("""
            rules: a self-hosted, impersonation-aware rules engine for login flows.
            Runs Auth0-style rules.js files in a sandbox on every login. With no verb, `rules` serves.
            """);

        var serveOptions = new ServeOptions();
        var serve = ServeCommand.Build(serveOptions, output, error);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(CheckCommand.Build(output, error));
        root.Subcommands.Add(EvalCommand.Build(input, output, error));
        root.Subcommands.Add(TestCommand.Build(output, error));
        root.Subcommands.Add(ReplayCommand.Build(output, error));
        root.Subcommands.Add(ImportCommand.Build(output, error));
        root.Subcommands.Add(AuditCommand.Build(output, error));
        root.Subcommands.Add(ModulesCommand.Build(output, error));

        // `rules` alone (or with serve's options) serves, as `dotnet run --project Rules.Host` expects.
        serveOptions.AddTo(root);
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, token) => ServeCommand.RunAsync(serveOptions.Read(result), output, error, token));

        // `@scope/name` is an npm package (rules modules add @auth0/rule-utilities@0.1.0), never a response file.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                error.WriteLine($"error: {parseError.Message}");
            }
            var verb = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
            error.WriteLine($"run `rules {verb}--help` for usage");
            return ExitCodes.BadInput;
        }

        // Serve passes unmatched tokens on as configuration; anything not shaped like a setting is a typo.
        var command = parsed.CommandResult.Command;
        var serving = command == root || command == serve;
        var stray = parsed.UnmatchedTokens.FirstOrDefault(token => !serving || !token.StartsWith("--", StringComparison.Ordinal) || !token.Contains('='));
        if (stray is not null)
        {
            error.WriteLine(serving
                ? $"error: unknown verb or option '{stray}' (settings are written --Section:Key=value)"
                : $"error: unrecognized argument '{stray}'");
            error.WriteLine($"run `rules {(command == root ? "" : command.Name + " ")}--help` for usage");
            return ExitCodes.BadInput;
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(configuration);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error.WriteLine($"error: internal error ({e.GetType().Name}): {e.Message}");
            error.WriteLine("this is a bug in rules; please report it with the command you ran");
            return ExitCodes.InternalError;
        }
    }
}

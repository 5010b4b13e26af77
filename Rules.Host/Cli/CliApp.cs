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

        var serve = BuildServe(output, error, out var serveOptions);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(CheckCommand.Build(output, error));
        root.Subcommands.Add(BuildEval(input, output, error));
        root.Subcommands.Add(TestCommand.Build(output, error));
        root.Subcommands.Add(ReplayCommand.Build(output, error));
        root.Subcommands.Add(ImportCommand.Build(output, error));
        root.Subcommands.Add(AuditCommand.Build(output, error));
        root.Subcommands.Add(ModulesCommand.Build(output, error));

        // `rules` alone (or with serve's options) serves, as `dotnet run --project Rules.Host` expects.
        foreach (var option in serveOptions)
        {
            root.Options.Add(option);
        }
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, token) => RunServe(result, serveOptions, output, error, token));

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

    private static Command BuildEval(TextReader input, TextWriter output, TextWriter error)
    {
        var rules = new Option<string>("--rules") { Description = "Directory of *.js rules (optionally with rules.json), or an Auth0 Deploy CLI export (directory or tenant.yaml)", Required = true };
        var transaction = new Option<string>("--transaction") { Description = "Transaction JSON file, or - for standard input", Required = true };
        var noTimings = new Option<bool>("--no-timings") { Description = "Leave timings out, so outcomes diff cleanly" };
        var http = new Option<string?>("--http") { Description = "HTTP fixtures JSON (an array, as in a test case's \"http\"): the rules' calls are answered from it and nothing leaves the machine" };
        var command = new Command("eval", "Run one login through the rule set and print the outcome JSON.\n\n" + EvalCommand.Examples) { rules, transaction, noTimings, http };
        command.SetAction(result => EvalCommand.Run(
            new EvalCommand.Parameters(result.GetValue(rules)!, result.GetValue(transaction)!, !result.GetValue(noTimings), result.GetValue(http)),
            input, output, error));
        return command;
    }

    private static Command BuildServe(TextWriter output, TextWriter error, out Option[] options)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => ServeCommand.DefaultUrls };
        var data = new Option<string>("--data") { Description = "Directory for the embedded SQLite database (unused with --database)", DefaultValueFactory = _ => "data" };
        var database = new Option<string?>("--database") { Description = "Store connection string: PostgreSQL (\"Host=…;Database=…;Username=…\" or postgres://…) to share one store between instances, or a SQLite file" };
        var rules = new Option<string?>("--rules") { Description = "Serve (and watch) this rules directory, Deploy CLI export or tenant.yaml instead of the rules in the database" };
        var import = new Option<string?>("--import") { Description = "Replace the database's rules and rules-configs with this Deploy CLI export (or rules directory) at start" };
        var seed = new Option<string?>("--seed") { Description = "Tenant file (Deploy CLI export shape) to seed an empty database with" };
        var seedSamples = new Option<bool>("--seed-samples") { Description = "Seed an empty database with the public sample tenant (Rules.Samples/tenant.json; its secrets are published: for trying the server only). On under dotnet run" };
        options = [urls, data, rules, seed, import, database, seedSamples];
        var command = new Command("serve", "Run the auth server (the default verb). Other --Section:Key=value arguments are read as configuration.\n\n" + ServeCommand.Examples)
        {
            urls, data, database, rules, seed, seedSamples, import,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        var captured = options;
        command.SetAction((result, token) => RunServe(result, captured, output, error, token));
        return command;
    }

    private static Task<int> RunServe(ParseResult result, Option[] options, TextWriter output, TextWriter error, CancellationToken token)
    {
        var parameters = new ServeCommand.Parameters(
            result.GetValue((Option<string>)options[0])!,
            result.GetValue((Option<string>)options[1])!,
            result.GetValue((Option<string?>)options[2]),
            result.GetValue((Option<string?>)options[3]),
            result.UnmatchedTokens.ToArray(),
            result.GetValue((Option<string?>)options[4]),
            result.GetValue((Option<string?>)options[5]),
            result.GetValue((Option<bool>)options[6]));
        return ServeCommand.RunAsync(parameters, output, error, token);
    }
}

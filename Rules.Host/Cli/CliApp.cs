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
        root.Subcommands.Add(BuildCheck(output, error));
        root.Subcommands.Add(BuildEval(input, output, error));

        // `rules` alone (or with serve's options) serves, as `dotnet run --project Rules.Host` expects.
        foreach (var option in serveOptions)
        {
            root.Options.Add(option);
        }
        root.SetAction((result, token) => RunServe(result, serveOptions, args, output, error, token));

        var parsed = root.Parse(args);
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

        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return await parsed.InvokeAsync(configuration);
    }

    private static Command BuildCheck(TextWriter output, TextWriter error)
    {
        var directory = new Argument<string>("RULES_DIR") { Description = "Directory of *.js rules, optionally with rules.json" };
        var command = new Command("check", "Compile and validate every rule; errors are printed as file:line:col.\n\n" + CheckCommand.Examples) { directory };
        command.SetAction(result => CheckCommand.Run(new CheckCommand.Parameters(result.GetValue(directory)!), output, error));
        return command;
    }

    private static Command BuildEval(TextReader input, TextWriter output, TextWriter error)
    {
        var rules = new Option<string>("--rules") { Description = "Directory of *.js rules, optionally with rules.json", Required = true };
        var transaction = new Option<string>("--transaction") { Description = "Transaction JSON file, or - for standard input", Required = true };
        var noTimings = new Option<bool>("--no-timings") { Description = "Leave timings out, so outcomes diff cleanly" };
        var command = new Command("eval", "Run one login through the rule set and print the outcome JSON.\n\n" + EvalCommand.Examples) { rules, transaction, noTimings };
        command.SetAction(result => EvalCommand.Run(
            new EvalCommand.Parameters(result.GetValue(rules)!, result.GetValue(transaction)!, !result.GetValue(noTimings)),
            input, output, error));
        return command;
    }

    private static Command BuildServe(TextWriter output, TextWriter error, out Option[] options)
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => ServeCommand.DefaultUrls };
        var data = new Option<string>("--data") { Description = "Directory for the embedded database and signing keys", DefaultValueFactory = _ => "data" };
        var rules = new Option<string?>("--rules") { Description = "Rules directory (default: the sample tenant's Rules.Samples/rules)" };
        options = [urls, data, rules];
        var command = new Command("serve", "Run the auth server (the default verb).\n\n" + ServeCommand.Examples) { urls, data, rules };
        var captured = options;
        command.SetAction((result, token) => RunServe(result, captured, [], output, error, token));
        return command;
    }

    private static Task<int> RunServe(ParseResult result, Option[] options, string[] args, TextWriter output, TextWriter error, CancellationToken token)
    {
        var parameters = new ServeCommand.Parameters(
            result.GetValue((Option<string>)options[0])!,
            result.GetValue((Option<string>)options[1])!,
            result.GetValue((Option<string?>)options[2]));
        return ServeCommand.RunAsync(parameters, [], output, error, token);
    }
}

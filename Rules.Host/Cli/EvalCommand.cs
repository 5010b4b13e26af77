using Rules.Engine.Pipeline;
using Rules.Engine.Testing.Reporting;

namespace Rules.Host.Cli;

/// <summary><c>rules eval --rules DIR --transaction FILE|-</c>: runs one login through the pipeline and prints the outcome JSON.</summary>
public static class EvalCommand
{
    public sealed record Parameters(string RulesDirectory, string Transaction, bool IncludeTimings = true);

    public const string Examples = """
        Examples:
          rules eval --rules Rules.Samples/rules --transaction Rules.Samples/transactions/normal-login-allow.json
          cat login.json | rules eval --rules ./rules --transaction -
          rules eval --rules ./rules --transaction login.json --no-timings > outcome.json

        The transaction is { "user": {...}, "context": {...}, "now": "2026-11-18T09:30:00Z" }; "now" fixes
        the clock the rules see. Exit codes: 0 allowed, 1 denied, 2 bad input (unreadable file, malformed
        JSON, a rule set that does not compile), 4 a rule redirected the login ("decision": "redirect").
        """;

    public static int Run(Parameters parameters, TextReader input, TextWriter output, TextWriter error)
    {
        var transaction = ReadTransaction(parameters.Transaction, input, error);
        if (transaction is null)
        {
            return ExitCodes.BadInput;
        }

        var compilation = RuleSetLoading.LoadAndCompile(parameters.RulesDirectory, error, out var exitCode);
        if (compilation is null)
        {
            return exitCode;
        }

        if (!compilation.Succeeded)
        {
            RuleSetLoading.WriteErrors(compilation, error);
            error.WriteLine($"error: the rule set in '{parameters.RulesDirectory}' does not compile; run `rules check {parameters.RulesDirectory}`");
            return ExitCodes.BadInput;
        }

        using var pipeline = new RulePipeline(compilation.Compiled!);
        var outcome = pipeline.Execute(transaction);
        output.WriteLine(OutcomeJson.Serialize(outcome, indented: true, parameters.IncludeTimings));
        if (outcome.Failure is { } failure)
        {
            // The same text `rules test` prints: rule, file:line:col, message, the line and a caret under the column.
            foreach (var line in FailureText.Lines(outcome.Rule, failure))
            {
                error.WriteLine(line);
            }
        }
        return outcome.IsAllowed ? ExitCodes.Ok : outcome.IsRedirect ? ExitCodes.Redirected : ExitCodes.Failed;
    }

    private static LoginTransaction? ReadTransaction(string source, TextReader input, TextWriter error)
    {
        string json;
        var name = source == "-" ? "<stdin>" : source;
        try
        {
            json = source == "-" ? input.ReadToEnd() : File.ReadAllText(source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read transaction '{name}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
            return null;
        }

        try
        {
            return TransactionJson.Parse(json, name);
        }
        catch (TransactionFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }
}

using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.Testing.Reporting;

namespace Rules.Host.Cli;

/// <summary><c>rules eval --rules DIR --transaction FILE|-</c>: runs one login through the pipeline and prints the outcome JSON.</summary>
public static class EvalCommand
{
    public sealed record Parameters(string RulesDirectory, string Transaction, bool IncludeTimings = true, string? HttpFixtures = null);

    public const string Examples = """
        Examples:
          rules eval --rules Rules.Samples/rules --transaction Rules.Samples/transactions/normal-login-allow.json
          cat login.json | rules eval --rules ./rules --transaction -
          rules eval --rules ./rules --transaction login.json --no-timings > outcome.json
          rules eval --rules Rules.Samples/http-rules --transaction login.json --http crm-fixtures.json

        The transaction is { "user": {...}, "context": {...}, "now": "2026-11-18T09:30:00Z" }; "now" fixes
        the clock the rules see. Exit codes: 0 allowed, 1 denied, 2 bad input (unreadable file, malformed
        JSON, a rule set that does not compile), 4 a rule redirected the login ("decision": "redirect").
        Without --http, calls the rules make go to the network as on the server, only where the rule set's
        "egress" list allows; with --http, they are answered from the fixtures and a call no fixture matches
        fails (and is printed on stderr).
        """;

    public static Command Build(TextReader input, TextWriter output, TextWriter error)
    {
        var rules = new Option<string>("--rules") { Description = "Directory of *.js rules (optionally with rules.json), or an Auth0 Deploy CLI export (directory or tenant.yaml)", Required = true };
        var transaction = new Option<string>("--transaction") { Description = "Transaction JSON file, or - for standard input", Required = true };
        var noTimings = new Option<bool>("--no-timings") { Description = "Leave timings out, so outcomes diff cleanly" };
        var http = new Option<string?>("--http") { Description = "HTTP fixtures JSON (an array, as in a test case's \"http\"): the rules' calls are answered from it and nothing leaves the machine" };
        var command = new Command("eval", "Run one login through the rule set and print the outcome JSON.\n\n" + Examples) { rules, transaction, noTimings, http };
        command.SetAction(result => Run(
            new Parameters(result.GetValue(rules)!, result.GetValue(transaction)!, !result.GetValue(noTimings), result.GetValue(http)),
            input, output, error));
        return command;
    }

    public static int Run(Parameters parameters, TextReader input, TextWriter output, TextWriter error)
    {
        var transaction = ReadTransaction(parameters.Transaction, input, error);
        if (transaction is null)
        {
            return ExitCodes.BadInput;
        }

        if (RuleSetLoading.CompileOrRefuse(parameters.RulesDirectory, error) is not { } compiled)
        {
            return ExitCodes.BadInput;
        }

        using var pipeline = new RulePipeline(compiled);
        FixtureHttpTransport? fixtures = null;
        if (parameters.HttpFixtures is { } fixtureFile)
        {
            if (ReadFixtures(fixtureFile, error) is not { } list)
            {
                return ExitCodes.BadInput;
            }
            fixtures = new FixtureHttpTransport(list, pipeline.Egress);
        }
        var outcome = pipeline.Execute(transaction, fixtures is null ? null : new ExecutionOptions { Http = fixtures });
        output.WriteLine(OutcomeJson.Serialize(outcome, indented: true, parameters.IncludeTimings));
        if (outcome.Failure is { } failure)
        {
            // The same text `rules test` prints: rule, file:line:col, message, the line and a caret under the column.
            foreach (var line in FailureText.Lines(outcome.Rule, failure))
            {
                error.WriteLine(line);
            }
        }
        foreach (var call in fixtures?.Unmatched ?? [])
        {
            error.WriteLine($"HTTP call with no fixture in {parameters.HttpFixtures}: {call}");
        }
        return outcome.IsAllowed ? ExitCodes.Ok : outcome.IsRedirect ? ExitCodes.Redirected : ExitCodes.Failed;
    }

    private static IReadOnlyList<HttpFixture>? ReadFixtures(string file, TextWriter error)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return HttpFixture.ParseList(node is JsonObject wrapper && wrapper["http"] is { } inner ? inner : node, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read HTTP fixtures '{file}': {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
        }
        catch (JsonException e)
        {
            error.WriteLine($"error: {file}: not valid JSON ({e.Message.Split(". ")[0]})");
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: {e.Message}");
        }
        return null;
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

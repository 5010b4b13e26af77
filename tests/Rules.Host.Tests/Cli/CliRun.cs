using System.Text.Json.Nodes;
using Rules.Host.Cli;

namespace Rules.Host.Tests.Cli;

/// <summary>One in-process run of the CLI: its exit code and everything it wrote.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunWithStdinAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new StringReader(stdin), output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunWithStdinAsync("", args);

    /// <summary>Stdout parsed as one JSON object (fails the test if it is anything else).</summary>
    public JsonObject Json()
    {
        var node = JsonNode.Parse(Stdout);
        node.Should().BeOfType<JsonObject>($"stdout should be one JSON object, but was:\n{Stdout}");
        return (JsonObject)node!;
    }

    public string[] StderrLines => Lines(Stderr);

    public string[] StdoutLines => Lines(Stdout);

    private static string[] Lines(string text) =>
        text.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

using Acornima.Ast;
using Jint;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Compilation;

/// <summary>
/// A rule ready to load into a runtime: its prepared script evaluates to the rule function (an Auth0 rule) or to
/// the module function whose <c>exports.onExecutePostLogin</c> is the handler (an Actions-style file; see <see cref="Kind"/>).
/// The script wraps the author's text, which shifts columns on the first line only; <see cref="FirstLineColumnShift"/>
/// undoes that when errors are reported.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleSource source, Prepared<Script> script, int firstLineColumnShift, RuleKind kind = RuleKind.Rule)
    {
        Source = source;
        Script = script;
        FirstLineColumnShift = firstLineColumnShift;
        Kind = kind;
        _lines = new Lazy<string[]>(() => source.Script.Split('\n'));
    }

    private readonly Lazy<string[]> _lines;

    /// <summary>The rule as it was read: name, file, script text and whether it is enabled.</summary>
    public RuleSource Source { get; }

    /// <summary>The rule's name, as errors, logs and <see cref="Rules.Engine.Pipeline.Outcome.Rule"/> show it.</summary>
    public string Name => Source.Name;

    /// <summary>Whether the file is an Auth0 rule or an Actions-style post-login handler; the runtime calls the two differently.</summary>
    public RuleKind Kind { get; }

    internal Prepared<Script> Script { get; }

    internal int FirstLineColumnShift { get; }

    /// <summary>Maps a position inside the wrapped script (1-based line, 0-based column) to the author's file (1-based both).</summary>
    internal (int Line, int Column) ToAuthorPosition(int line, int zeroBasedColumn)
    {
        var column = zeroBasedColumn + 1;
        if (line == 1)
        {
            column = Math.Max(1, column - FirstLineColumnShift);
        }
        return (line, column);
    }

    /// <summary>The author's text of <paramref name="node"/> (a node of this rule's script), cut to <paramref name="maxLength"/> characters.</summary>
    internal string AuthorText(Node node, int maxLength)
    {
        var (startLine, startColumn) = ToAuthorPosition(node.Location.Start.Line, node.Location.Start.Column);
        var (endLine, endColumn) = ToAuthorPosition(node.Location.End.Line, node.Location.End.Column);
        var text = new System.Text.StringBuilder();
        for (var line = startLine; line <= endLine && SourceLine(line) is { } source; line++)
        {
            var from = line == startLine ? Math.Min(startColumn - 1, source.Length) : 0;
            var to = line == endLine ? Math.Clamp(endColumn - 1, from, source.Length) : source.Length;
            text.Append(line == startLine ? "" : " ").Append(source.AsSpan(from, to - from).Trim());
        }
        return text.Length <= maxLength ? text.ToString() : text.ToString(0, maxLength - 1) + "…";
    }

    /// <summary>The author's line, trimmed of its line ending, or null when out of range.</summary>
    public string? SourceLine(int line) =>
        line >= 1 && line <= _lines.Value.Length ? _lines.Value[line - 1].TrimEnd('\r') : null;
}

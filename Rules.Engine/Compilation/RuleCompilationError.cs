namespace Rules.Engine.Compilation;

/// <summary>A rule that does not compile, located at 1-based line and column in the author's file.</summary>
public sealed record RuleCompilationError(string Rule, string File, int Line, int Column, string Message, string? SourceLine)
{
    /// <summary><c>file:line:col: message</c>, then the offending line and a caret under the column.</summary>
    public string Format()
    {
        var head = Line > 0 ? $"{File}:{Line}:{Column}: error: {Message}" : $"{File}: error: {Message}";
        if (SourceLine is null)
        {
            return head;
        }

        // Keep the line's tabs under the caret so it lines up however wide the terminal draws a tab.
        var prefix = SourceLine[..Math.Clamp(Column - 1, 0, SourceLine.Length)];
        var caret = string.Concat(prefix.Select(c => c == '\t' ? '\t' : ' ')) + "^";
        return $"{head}\n    {SourceLine}\n    {caret}";
    }

    /// <summary>The same text as <see cref="Format"/>, so an error prints the way a compiler prints it.</summary>
    public override string ToString() => Format();
}

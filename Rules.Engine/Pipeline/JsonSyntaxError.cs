using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Rules.Engine.Pipeline;

/// <summary>
/// System.Text.Json's syntax errors ("Expected depth to be zero at the end of the JSON payload") said as a rule author
/// reads them: where (line and column, counted in characters from 1) and what was unexpected, in plain words, with the
/// line and a caret under the column.
/// </summary>
internal static partial class JsonSyntaxError
{
    /// <summary><c>source:line:col: not valid JSON: what</c>, then the offending line and a caret.</summary>
    public static string Describe(JsonException error, string json, string source)
    {
        var lines = json.Split('\n');
        var lineIndex = (int)Math.Clamp(error.LineNumber ?? 0, 0, Math.Max(lines.Length - 1, 0));
        var line = lines.Length == 0 ? "" : lines[lineIndex].TrimEnd('\r');
        var column = CharacterColumn(line, error.BytePositionInLine ?? 0);
        var found = column < line.Length ? $"'{line[column]}'" : "the end of the line";
        var what = Words(error.Message, found);

        var text = new StringBuilder($"{source}:{lineIndex + 1}:{column + 1}: not valid JSON: {what}");
        if (line.Length is > 0 and <= 200)
        {
            text.Append('\n').Append("  ").Append(line.Replace('\t', ' '));
            text.Append('\n').Append("  ").Append(' ', Math.Min(column, line.Length)).Append('^');
        }
        return text.ToString();
    }

    // STJ counts bytes of UTF-8 within the line; an author counts characters.
    private static int CharacterColumn(string line, long bytePosition)
    {
        var bytes = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (bytes >= bytePosition)
            {
                return i;
            }
            bytes += char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? Encoding.UTF8.GetByteCount(line.AsSpan(i++, 2)) : Encoding.UTF8.GetByteCount(line.AsSpan(i, 1));
        }
        return line.Length;
    }

    private static string Words(string message, string found) => message switch
    {
        _ when message.StartsWith("Expected depth to be zero at the end of the JSON payload", StringComparison.Ordinal) =>
            "unexpected end of input: a { or [ is still open (a closing } or ] is missing)",
        _ when message.StartsWith("Expected end of string, but instead reached end of data", StringComparison.Ordinal) =>
            "unexpected end of input inside a string (a closing \" is missing)",
        _ when message.StartsWith("Expected a value, but instead reached end of data", StringComparison.Ordinal)
            || message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal) =>
            "unexpected end of input: a value was expected",
        _ when message.Contains("is an invalid start of a property name", StringComparison.Ordinal) =>
            $"unexpected {found}: a property name in double quotes was expected (names must be quoted)",
        _ when message.Contains("is an invalid start of a value", StringComparison.Ordinal) =>
            $"unexpected {found}: a value was expected (a \"string\", a number, true, false, null, {{ or [)",
        _ when message.Contains("is invalid after a property name", StringComparison.Ordinal) =>
            $"unexpected {found}: a ':' was expected after the property name",
        _ when message.Contains("is invalid after a value", StringComparison.Ordinal) =>
            $"unexpected {found}: a ',' or a closing }} or ] was expected after the value",
        _ when message.Contains("is invalid within a JSON string", StringComparison.Ordinal) =>
            "unexpected control character inside a string (write a line break as \\n, a tab as \\t)",
        _ when message.Contains("is an invalid escapable character within a JSON string", StringComparison.Ordinal) =>
            $"unexpected escape in a string near {found} (only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed)",
        _ when message.StartsWith("The JSON literal", StringComparison.Ordinal) || message.Contains("is an invalid JSON literal", StringComparison.Ordinal) =>
            $"unexpected {found}: true, false and null are written in lower case, and strings need double quotes",
        _ when message.Contains("after a single JSON value", StringComparison.Ordinal) =>
            $"unexpected {found} after the end of the JSON value",
        _ when message.Contains("maximum configured depth", StringComparison.Ordinal) =>
            "nested too deeply",
        _ => FirstSentence().Match(message).Value.TrimEnd('.'),
    };

    [GeneratedRegex(@"^[^.]*\.?")]
    private static partial Regex FirstSentence();
}

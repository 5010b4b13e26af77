using System.Text.RegularExpressions;
using Acornima.Ast;
using Rules.Engine.Compilation;

namespace Rules.Engine.Runtime;

/// <summary>
/// Rewrites Jint's TypeError messages for the three mistakes rule authors make most (reading a property of
/// undefined, calling what is not a function, destructuring undefined) into Node's wording, which Auth0's users know,
/// plus the expression that was undefined, read from the rule's syntax tree at the error's position. Only runs on a
/// failing login.
/// </summary>
internal static partial class NodeStyleTypeErrors
{
    private const int MaxExpressionLength = 80;

    /// <param name="line">1-based line in the compiled script, as Jint reports it.</param>
    /// <param name="column">0-based column in the compiled script.</param>
    public static string Rewrite(CompiledRule rule, int line, int column, string message)
    {
        try
        {
            return RewriteUnchecked(rule, line, column, message) ?? message;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A better message is a nicety; the original is still right.
            return message;
        }
    }

    private static string? RewriteUnchecked(CompiledRule rule, int line, int column, string message)
    {
        if (rule.Script.Program is not { } program)
        {
            return null;
        }
        var at = (line, column);

        if (ReadOfNothing().Match(message) is { Success: true } read)
        {
            var key = read.Groups["key"].Success ? read.Groups["key"].Value : read.Groups["key2"].Value;
            var nothing = read.Groups["what"].Success ? read.Groups["what"].Value : read.Groups["what2"].Value;
            var member = Innermost<MemberExpression>(program, at, m => KeyOf(m) is not { } k || k == key);
            var suffix = member is null ? "" : $": {rule.AuthorText(member.Object, MaxExpressionLength)} is {nothing}";
            return $"TypeError: Cannot read properties of {nothing} (reading '{key}'){suffix}";
        }

        if (NotAFunction().IsMatch(message))
        {
            var call = Innermost<CallExpression>(program, at, c => StartsAt(c.Callee, at) || StartsAt(c, at));
            return call is null ? null : $"TypeError: {rule.AuthorText(call.Callee, MaxExpressionLength)} is not a function";
        }

        if (message == "TypeError: Cannot convert undefined or null to object")
        {
            return Destructuring(rule, program, at);
        }
        return null;
    }

    private static string? Destructuring(CompiledRule rule, Program program, (int Line, int Column) at)
    {
        foreach (var node in Descendants(program))
        {
            var (pattern, value) = node switch
            {
                VariableDeclarator { Id: ObjectPattern p, Init: { } init } => (p, (Node)init),
                AssignmentExpression { Left: ObjectPattern p } assignment => (p, assignment.Right),
                _ => (null, null),
            };
            if (pattern is null || value is null || !StartsAt(value, at))
            {
                continue;
            }

            var text = rule.AuthorText(value, MaxExpressionLength);
            var flat = pattern.Properties.All(p => p is Property { Value: Identifier or AssignmentPattern { Left: Identifier } } or RestElement);
            if (flat && pattern.Properties.FirstOrDefault() is Property { Key: Identifier first, Computed: false })
            {
                return $"TypeError: Cannot destructure property '{first.Name}' of '{text}' as it is undefined or null";
            }
            return $"TypeError: Cannot destructure '{text}' as {rule.AuthorText(pattern, MaxExpressionLength)}: it, or an object inside it that the pattern reads, is undefined or null";
        }
        return null;
    }

    private static string? KeyOf(MemberExpression member) => member.Property switch
    {
        Identifier id when !member.Computed => id.Name,
        StringLiteral text => text.Value,
        _ => null,
    };

    /// <summary>The smallest node of type T whose source span holds <paramref name="at"/> and that <paramref name="accept"/>s.</summary>
    private static T? Innermost<T>(Node root, (int Line, int Column) at, Func<T, bool> accept) where T : Node
    {
        T? best = null;
        foreach (var node in Descendants(root))
        {
            if (node is T candidate && Holds(candidate, at) && accept(candidate)
                && (best is null || candidate.Range.End - candidate.Range.Start < best.Range.End - best.Range.Start))
            {
                best = candidate;
            }
        }
        return best;
    }

    private static bool Holds(Node node, (int Line, int Column) at) =>
        Compare(node.Location.Start.Line, node.Location.Start.Column, at) <= 0 && Compare(node.Location.End.Line, node.Location.End.Column, at) >= 0;

    private static bool StartsAt(Node node, (int Line, int Column) at) => Compare(node.Location.Start.Line, node.Location.Start.Column, at) == 0;

    private static int Compare(int line, int column, (int Line, int Column) at) =>
        line != at.Line ? line.CompareTo(at.Line) : column.CompareTo(at.Column);

    private static IEnumerable<Node> Descendants(Node root)
    {
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            yield return node;
            foreach (var child in node.ChildNodes)
            {
                pending.Push(child);
            }
        }
    }

    // Jint words it either way, depending on the operation.
    [GeneratedRegex(@"^TypeError: (?:Cannot read property '(?<key>.*)' of (?<what>undefined|null)|Cannot read properties of (?<what2>undefined|null) \(reading '(?<key2>.*)'\))$", RegexOptions.Singleline)]
    private static partial Regex ReadOfNothing();

    [GeneratedRegex(@"^TypeError: (?:Property '.*' of object|.*) is not a function$", RegexOptions.Singleline)]
    private static partial Regex NotAFunction();
}

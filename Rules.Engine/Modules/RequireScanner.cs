using Acornima.Ast;

namespace Rules.Engine.Modules;

/// <summary>Every <c>require(...)</c> call in a parsed script: its string argument, or null when it is not a string literal.</summary>
internal static class RequireScanner
{
    public readonly record struct RequireCall(string? Specifier, Node At);

    public static List<RequireCall> Scan(Node root)
    {
        var calls = new List<RequireCall>();
        var pending = new Stack<Node>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is CallExpression { Callee: Identifier { Name: "require" } } call)
            {
                var specifier = call.Arguments is [StringLiteral literal] ? literal.Value
                    : call.Arguments is [TemplateLiteral { Expressions.Count: 0, Quasis: [var only] }] ? only.Value.Cooked
                    : null;
                calls.Add(new RequireCall(specifier, call));
            }
            foreach (var child in node.ChildNodes)
            {
                pending.Push(child);
            }
        }
        calls.Sort((a, b) => a.At.Range.Start.CompareTo(b.At.Range.Start));
        return calls;
    }
}

using Acornima.Ast;
using Rules.Engine.Compilation;

namespace Rules.Engine.Testing.Coverage;

/// <summary>
/// The author's lines that hold something Jint's debugger steps on: statements (not blocks, empty statements or
/// hoisted function declarations) and the bodies of expression arrows (<c>x =&gt; x.trim()</c>). The wrapper
/// statement that evaluates the rule function runs when the rule is loaded, not on a login, so it is left out.
/// </summary>
internal static class CoverableLines
{
    public static SortedSet<int> Of(CompiledRule rule)
    {
        var lines = new SortedSet<int>();
        var program = rule.Script.Program!;
        foreach (var statement in program.Body)
        {
            foreach (var child in statement.ChildNodes)
            {
                Collect(child, lines);
            }
        }
        return lines;
    }

    private static void Collect(Node node, SortedSet<int> lines)
    {
        switch (node)
        {
            case BlockStatement or EmptyStatement or FunctionDeclaration:
                break;
            case Statement:
                lines.Add(node.Location.Start.Line);
                break;
            case ArrowFunctionExpression { Body: Expression } arrow:
                lines.Add(arrow.Body.Location.Start.Line);
                break;
        }

        foreach (var child in node.ChildNodes)
        {
            Collect(child, lines);
        }
    }
}

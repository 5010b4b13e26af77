using Jint.Runtime.Debugger;
using Rules.Engine.Compilation;

namespace Rules.Engine.Testing.Coverage;

/// <summary>Records, per rule file, the lines whose statements Jint stepped on. Not thread-safe: one runtime at a time.</summary>
internal sealed class CoverageCollector
{
    private readonly Dictionary<string, HashSet<int>> _executed = new(StringComparer.Ordinal);

    public CoverageCollector(IEnumerable<CompiledRule> rules)
    {
        foreach (var rule in rules)
        {
            _executed[rule.Source.File] = [];
        }
    }

    public void OnStep(DebugInformation info)
    {
        // A step with no node is a function's return point (its closing brace), not a statement.
        if (info.CurrentNode is null)
        {
            return;
        }
        var location = info.Location;
        if (location.SourceFile is { } file && _executed.TryGetValue(file, out var lines))
        {
            lines.Add(location.Start.Line);
        }
    }

    public CoverageReport Report(IEnumerable<CompiledRule> rules) =>
        new(rules.Select(rule =>
        {
            var coverable = CoverableLines.Of(rule);
            var executed = _executed.TryGetValue(rule.Source.File, out var seen) ? seen : [];
            return new RuleCoverage(
                rule.Name,
                rule.Source.File,
                coverable.Where(executed.Contains).ToArray(),
                coverable.Where(l => !executed.Contains(l)).ToArray());
        }).ToArray());
}

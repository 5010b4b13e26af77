using System.Text.RegularExpressions;
using CsCheck;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests.Properties;

/// <summary>
/// The sample rule set (Rules.Samples/rules) with one rule broken the way an author, a bad merge or an attacker
/// breaks rules: tokens or lines deleted, duplicated or swapped, callback calls turned into throws or removed,
/// a second callback, truncation and stray brackets. Some mutants no longer compile, some still allow, some fail:
/// the properties hold for all of them.
/// </summary>
internal static partial class RuleMutationGen
{
    public static RuleSet Samples { get; } = RuleSetDirectory.Load(Path.Combine(SampleRuleSetTests.SampleRuleSet.SamplesDirectory, "rules"));

    private static readonly (string Name, Func<string, int, int, string> Mutate)[] Mutations =
    [
        ("delete token", (s, a, _) => EditToken(s, a, (t, _) => "")),
        ("duplicate token", (s, a, _) => EditToken(s, a, (t, _) => t.Value + " " + t.Value)),
        ("swap adjacent tokens", SwapTokens),
        ("delete line", (s, a, _) => EditLines(s, lines => lines.RemoveAt(a % lines.Count))),
        ("duplicate line", (s, a, _) => EditLines(s, lines => lines.Insert(a % lines.Count, lines[a % lines.Count]))),
        ("swap lines", (s, a, b) => EditLines(s, lines => (lines[a % lines.Count], lines[b % lines.Count]) = (lines[b % lines.Count], lines[a % lines.Count]))),
        ("callback call becomes throw", (s, a, _) => EditCallback(s, a, "throw (")),
        ("every callback call removed", (s, _, _) => CallbackCall().Replace(s, "(function () {})(")),
        ("callback called twice", (s, a, _) => EditCallback(s, a, "callback(null, user, context), callback(")),
        ("callback called first, then the rule goes on", (s, _, _) => InsertAtBodyStart(s, "callback(null, user, context);")),
        ("truncated", (s, a, _) => s[..(a % (s.Length + 1))]),
        ("stray bracket", (s, a, b) => s.Insert(a % (s.Length + 1), "{}()[]'\"`"[b % 9].ToString())),
        ("arguments swapped", (s, _, _) => s.Replace("(user, context, callback)", "(callback, context, user)")),
    ];

    public static readonly Gen<MutatedRuleSet> Mutant =
        Gen.Select(Gen.Int[0, Samples.Rules.Count - 1], Gen.Int[0, Mutations.Length - 1], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (rule, mutation, a, b) =>
        {
            var (name, mutate) = Mutations[mutation];
            var source = Samples.Rules[rule];
            return MutatedRuleSet.Replace(rule, source with { Script = mutate(source.Script, a, b) }, $"{name} in {source.File} ({a}, {b})");
        });

    [GeneratedRegex(@"[A-Za-z_$][\w$]*|\d+|\S")]
    private static partial Regex Token();

    [GeneratedRegex(@"\bcallback\(")]
    private static partial Regex CallbackCall();

    [GeneratedRegex(@"function\s*[\w$]*\s*\([^)]*\)\s*\{")]
    private static partial Regex FunctionHead();

    private static string EditToken(string source, int index, Func<Match, int, string> edit)
    {
        var tokens = Token().Matches(source);
        var token = tokens[index % tokens.Count];
        return source[..token.Index] + edit(token, index) + source[(token.Index + token.Length)..];
    }

    private static string SwapTokens(string source, int index, int _)
    {
        var tokens = Token().Matches(source);
        var i = index % (tokens.Count - 1);
        var (first, second) = (tokens[i], tokens[i + 1]);
        return source[..first.Index] + second.Value + source[(first.Index + first.Length)..second.Index] + first.Value + source[(second.Index + second.Length)..];
    }

    private static string EditLines(string source, Action<List<string>> edit)
    {
        var lines = source.Split('\n').ToList();
        edit(lines);
        return string.Join('\n', lines);
    }

    private static string EditCallback(string source, int index, string replacement)
    {
        var calls = CallbackCall().Matches(source);
        if (calls.Count == 0) return source;
        var call = calls[index % calls.Count];
        return source[..call.Index] + replacement + source[(call.Index + call.Length)..];
    }

    /// <summary>Puts <paramref name="code"/> first in the rule function's body, so it runs whenever the rule runs.</summary>
    public static string InsertAtBodyStart(string source, string code)
    {
        var head = FunctionHead().Match(source);
        if (!head.Success) throw new InvalidOperationException("no rule function in:\n" + source);
        return source.Insert(head.Index + head.Length, "\n  " + code + "\n");
    }
}

/// <summary>A rule set and what was done to it, for the failure report.</summary>
internal sealed record MutatedRuleSet(RuleSet RuleSet, string Description)
{
    public static MutatedRuleSet Replace(int index, RuleSource replacement, string description)
    {
        var rules = RuleMutationGen.Samples.Rules.ToArray();
        rules[index] = replacement;
        return new MutatedRuleSet(new RuleSet(rules, RuleMutationGen.Samples.Configuration), description);
    }

    public override string ToString() => Description;
}

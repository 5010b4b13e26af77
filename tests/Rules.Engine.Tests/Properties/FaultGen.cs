using CsCheck;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Properties;

/// <summary>
/// Code that can only fail, put first in one sample rule: whatever the login, if that rule runs the login is denied,
/// with the kind the failure deserves. A rule before it may deny first (that is a denial too); nothing may allow.
/// </summary>
internal static class FaultGen
{
    public static readonly InjectedFault[] All =
    [
        new("infinite while loop", "while (true) {}", DenialKind.Limit, DenialKind.Timeout),
        new("infinite loop doing work", "let n = 0; for (;;) { n = (n + user.email) .length; }", DenialKind.Limit, DenialKind.Timeout),
        new("unbounded recursion", "(function f(n) { return f(n + 1) + 1; })(0);", DenialKind.Limit, DenialKind.RuleError),
        new("unbounded allocation", "const hoard = []; for (;;) hoard.push(new Array(1000).fill('x'));", DenialKind.Limit, DenialKind.Timeout),
        new("one huge string", "const s = 'x'.repeat(1e9);", DenialKind.Limit),
        new("one huge array", "const a = new Array(1e8).fill(0);", DenialKind.Limit, DenialKind.RuleError),
        new("throw an Error", "throw new Error('injected fault');", DenialKind.RuleError),
        new("throw a string", "throw 'injected fault';", DenialKind.RuleError),
        new("throw undefined", "throw undefined;", DenialKind.RuleError),
        new("TypeError on null", "null.anything;", DenialKind.RuleError),
        new("require", "require.call(null, 'fs');", DenialKind.RuleError),
        new("eval", "eval('1 + 1');", DenialKind.RuleError),
        new("Function constructor", "Function('return 1')();", DenialKind.RuleError),
        new("bad JSON", "JSON.parse('{');", DenialKind.RuleError),
        new("never calls callback", "return;", DenialKind.Timeout),
        new("returns a promise that never settles", "return new Promise(function () {});", DenialKind.Timeout),
        new("rejected promise nobody handles", "return Promise.reject(new Error('injected rejection'));", DenialKind.RuleError, DenialKind.Timeout),
        new("async throw", "return (async () => { await null; throw new Error('later'); })();", DenialKind.RuleError, DenialKind.Timeout),
        new("callback with an UnauthorizedError", "return callback(new UnauthorizedError('injected denial'));", DenialKind.RuleDenied),
        new("callback with a string", "return callback('injected denial');", DenialKind.RuleDenied),
        new("callback with an error, then success", "callback(new Error('first')); return callback(null, user, context);", DenialKind.RuleDenied),
    ];

    public static readonly Gen<(InjectedFault Fault, int Rule)> Injection =
        Gen.Select(Gen.Int[0, All.Length - 1], Gen.Int[0, RuleMutationGen.Samples.Rules.Count - 1], (fault, rule) => (All[fault], rule));
}

internal sealed record InjectedFault(string Name, string Code, params DenialKind[] Kinds)
{
    public override string ToString() => $"{Name}: {Code}";
}

using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

/// <summary>How a hostile login must end: denied with a kind (and, for limits, the limit's name), or allowed with nothing escaped.</summary>
public sealed record HostileExpectation(Decision Decision, DenialKind? Kind = null, string? Limit = null)
{
    public static HostileExpectation Denied(DenialKind kind, string? limit = null) => new(Decision.Deny, kind, limit);

    public static HostileExpectation DeniedByLimit(string limit) => new(Decision.Deny, DenialKind.Limit, limit);

    public static HostileExpectation OutOfTime => new(Decision.Deny, DenialKind.Timeout, "TimeBudget");

    /// <summary>The attempt had no effect: the login goes through, and the case's own checks say what must not have happened.</summary>
    public static HostileExpectation Harmless => new(Decision.Allow);
}

/// <summary>
/// One hostile rule. The catalogue wraps <see cref="Code"/> into a rule that runs it only when the login's user is
/// marked <c>hostile</c>, and otherwise checks that the built-ins are intact; see <see cref="HostileRules.Source"/>.
/// </summary>
public sealed record HostileRule(string Name, string Code, HostileExpectation Expected)
{
    public SandboxOptions Options { get; init; } = HostileRules.Quick;

    /// <summary>Runs first, in a login of its own (<c>user.prime</c>), on the same pipeline: state a later login could pick up.</summary>
    public string? Prime { get; init; }

    /// <summary>The hostile login is an impersonated one (<see cref="PipelineFactory.Impersonated"/>).</summary>
    public bool Impersonated { get; init; }

    /// <summary>Rules that run after the hostile one, in every login.</summary>
    public IReadOnlyList<string> LaterRules { get; init; } = [];

    /// <summary>The rule the denial must name; by default the hostile rule itself.</summary>
    public string? DeniedBy { get; init; }

    /// <summary>Text the failure message (or, for a rule's own denial, the error description) must contain.</summary>
    public string? MessageContains { get; init; }

    /// <summary>Whether the next login must run on the very runtime the hostile rule used; null: derived from the expectation.</summary>
    public bool? ReusesRuntime { get; init; }

    /// <summary>More checks on the hostile login's outcome.</summary>
    public Action<Outcome>? Verify { get; init; }

    /// <summary>A runtime that tripped a limit or the clock is thrown away; after anything else the same warm runtime serves the next login.</summary>
    public bool ExpectsRuntimeReuse => ReusesRuntime ?? Expected.Kind is not DenialKind.Limit && Expected.Limit is null;

    public override string ToString() => Name;
}

/// <summary>The catalogue: every way a rule author could try to hang, exhaust, escape or poison the sandbox.</summary>
public static class HostileRules
{
    /// <summary>Most cases: short budget, one pooled runtime so the next login reuses it.</summary>
    public static SandboxOptions Quick { get; } = SandboxOptions.Default with { MaxPooledRuntimes = 1, TimeBudget = TimeSpan.FromSeconds(2) };

    /// <summary>Only the statement counter can stop the rule.</summary>
    public static SandboxOptions StatementLimited { get; } = Quick with { MaxStatements = 2_000_000, MemoryLimitBytes = 1L << 30 };

    /// <summary>Only the memory limit can stop the rule.</summary>
    public static SandboxOptions MemoryLimited { get; } = Quick with { MaxStatements = int.MaxValue, MemoryLimitBytes = 16L * 1024 * 1024 };

    /// <summary>Only the clock can stop the rule: a 1 s budget, statements and memory out of reach.</summary>
    public static SandboxOptions ClockLimited { get; } = Quick with { TimeBudget = TimeSpan.FromSeconds(1), MaxStatements = int.MaxValue, MemoryLimitBytes = 1L << 30 };

    public static IReadOnlyDictionary<string, string> Configuration { get; } = new Dictionary<string, string> { ["GREETING"] = "hello" };

    private static readonly Lazy<IReadOnlyDictionary<string, HostileRule>> ByName = new(() =>
    {
        var all = Loops().Concat(Promises()).Concat(MemoryBombs()).Concat(HugeArrays()).Concat(DeepRecursion()).Concat(Regexes())
            .Concat(Poisoning()).Concat(Escapes()).Concat(CallbackAbuse()).Concat(Impersonation()).Concat(Claims()).Concat(Floods())
            .ToList();
        return all.ToDictionary(c => c.Name);
    });

    public static IEnumerable<HostileRule> All => ByName.Value.Values;

    public static HostileRule Find(string name) => ByName.Value[name];

    /// <summary>The hostile rule: the case's code when <c>user.hostile</c>, its priming code when <c>user.prime</c>, the built-in checks otherwise.</summary>
    public static string Source(HostileRule rule) => $$"""
        function (user, context, callback) {
          if (user.prime) {
        {{rule.Prime ?? "callback(null, user, context);"}}
          } else if (user.hostile) {
        {{rule.Code}}
          } else {
        {{BenignChecks}}
          }
        }
        """;

    public static RulePipeline Build(HostileRule rule)
    {
        var sources = new List<RuleSource> { new("rule1", "rule1.js", Source(rule)) };
        sources.AddRange(rule.LaterRules.Select((script, i) => new RuleSource($"rule{i + 2}", $"rule{i + 2}.js", script)));
        return PipelineFactory.Create(rule.Options, Configuration, [.. sources]);
    }

    public static LoginTransaction HostileLogin(HostileRule rule) => Marked(rule.Impersonated ? PipelineFactory.Impersonated() : PipelineFactory.Login(), "hostile");

    public static LoginTransaction PrimingLogin() => Marked(PipelineFactory.Login(), "prime");

    public static LoginTransaction BenignLogin() => PipelineFactory.Login();

    private static LoginTransaction Marked(LoginTransaction login, string marker)
    {
        login.User[marker] = true;
        return login;
    }

    /// <summary>What the next login checks: every built-in a rule relies on still behaves, and nothing from the hostile login is visible.</summary>
    public const string BenignChecks = """
        const problems = [];
        const check = (name, ok) => { try { if (ok() !== true) problems.push(name); } catch (e) { problems.push(name + ' threw ' + e); } };
        check('Array.prototype.includes', () => [1, 2].includes(2) && ![1, 2].includes(3));
        check('JSON', () => JSON.stringify({ a: [1, 'x', null] }) === '{"a":[1,"x",null]}' && JSON.parse('{"b":2}').b === 2
          && JSON.stringify({ b: 1, a: 2 }, ['a']) === '{"a":2}' && JSON.stringify([1], null, 2) === '[\n  1\n]');
        check('Object', () => Object.keys({ a: 1, b: 2 }).join() === 'a,b' && Object.entries({ c: 3 })[0][1] === 3);
        check('no leaked globals', () => typeof leaked === 'undefined' && typeof leakedToo === 'undefined' && !('leaked' in globalThis));
        check('no inherited isAdmin', () => ({}).isAdmin === undefined && [].isAdmin === undefined && user.isAdmin === undefined);
        check('for...of', () => { let n = 0; for (const x of [1, 2, 3]) n += x; return n === 6; });
        check('spread and destructuring', () => { const [a, b] = [1, 2]; return a + b === 3 && [...[1], ...new Set([2]), ...'ab'].length === 4; });
        check('Map, Set and string iteration', () => [...new Map([[1, 'a']]).entries()].length === 1 && [...new Set([1, 1, 2])].length === 2 && [...'xyz'].join('-') === 'x-y-z');
        check('matchAll', () => [...'a1a2'.matchAll(/a(\d)/g)].map((m) => m[1]).join() === '1,2');
        check('RegExp', () => /^a+$/.test('aaa') && 'a-b-c'.split('-').length === 3 && 'a1b2'.replace(/\d/g, '#') === 'a#b#');
        check('String', () => 'abc'.toUpperCase() === 'ABC' && 'x'.repeat(3) === 'xxx' && 'x'.padStart(3, '-') === '--x'
          && 'a-b'.replace('-', '+') === 'a+b' && 'aXbX'.replaceAll('X', '') === 'ab' && 'a'.concat('b', 1) === 'ab1' && `${1}` === '1'
          && 'ab'.replace(/(a)(b)/, '$2$1') === 'ba' && String.raw`a\n${1}` === 'a\\n1');
        check('Function.prototype', () => Math.max.call(null, 1, 2) === 2 && ((a) => a).bind(null, 5)() === 5 && (function () {}).constructor === Function);
        check('async functions', () => typeof (async function () {}).call(null).then === 'function');
        check('generators and iterator helpers', () => [...(function* () { yield 1; yield 2; })()].join() === '1,2'
          && [1, 2, 3].values().map((x) => x * 2).toArray().join() === '2,4,6');
        check('typed arrays', () => new Uint8Array([1, 2]).join('-') === '1-2' && new ArrayBuffer(8).byteLength === 8 && Float64Array.from([1, 2]).length === 2);
        check('sloppy globals', () => { sloppyScratch = 1; return sloppyScratch === 1; });
        check('configuration', () => configuration.GREETING === 'hello' && Object.isFrozen(configuration));
        check('Auth0 globals', () => typeof auth0.users.updateAppMetadata === 'function' && typeof console.log === 'function'
          && new UnauthorizedError('u') instanceof Error && new UnauthorizedError('u').name === 'UnauthorizedError');
        check('this login', () => user.hostile === undefined && user.prime === undefined && user.user_id === 'auth0|alice'
          && context.clientID === 'app2' && Object.keys(context.idToken).length === 0);
        check('Error', () => new TypeError('t').message === 't' && String(new Error('e')) === 'Error: e');
        if (problems.length > 0) return callback(new Error('built-ins broken: ' + problems.join('; ')));
        console.log('benign login ran');
        (async () => {
          const values = await Promise.all([1, (async () => 2)()]);
          let sum = 0;
          for await (const x of (async function* () { yield 1; yield 2; })()) sum += x;
          if (values.join() !== '1,2' || sum !== 3) return callback(new Error('built-ins broken: async iteration'));
          context.idToken['https://example.com/checked'] = true;
          callback(null, user, context);
        })().catch((e) => callback(new Error('built-ins broken: async code threw ' + e)));
        """;

    private static HostileRule Case(string name, string code, HostileExpectation expected) => new(name, code, expected);

    private static IEnumerable<HostileRule> Loops() =>
    [
        Case("while (true) {} under the default limits", "while (true) {}", HostileExpectation.DeniedByLimit("MaxStatements"))
            with { Options = SandboxOptions.Default },
        Case("for (;;) {} hits the statement limit", "for (;;) {}", HostileExpectation.DeniedByLimit("MaxStatements"))
            with { Options = StatementLimited },
        Case("while (true) {} with statements unlimited runs out the clock", "while (true) {}", HostileExpectation.OutOfTime)
            with { Options = ClockLimited },
        Case("endless loop that swallows its own exceptions", "for (;;) { try { throw new Error('again'); } catch (e) { continue; } finally { } }",
            HostileExpectation.OutOfTime) with { Options = ClockLimited },
        Case("endless generator consumed by for...of", "function* forever() { for (;;) yield 1; } for (const x of forever()) { }",
            HostileExpectation.DeniedByLimit("MaxStatements")) with { Options = StatementLimited },
        Case("sort comparator that never returns", "[3, 2, 1].sort(() => { for (;;) { } });", HostileExpectation.OutOfTime)
            with { Options = ClockLimited },
    ];

    private static IEnumerable<HostileRule> Promises() =>
    [
        Case("microtask ping-pong: every job queues the next", "const ping = () => { Promise.resolve().then(ping); }; ping();",
            HostileExpectation.OutOfTime) with { Options = ClockLimited },
        Case("async function awaiting in an endless loop", "(async () => { for (;;) { await null; } })();",
            HostileExpectation.DeniedByLimit("MaxStatements")) with { Options = StatementLimited },
        Case("promise chain that grows forever", "const grow = () => Promise.resolve().then(grow); grow();",
            HostileExpectation.DeniedByLimit("MemoryLimitBytes")) with { Options = MemoryLimited },
        Case("callback never called", "return;", HostileExpectation.Denied(DenialKind.Timeout))
            with
            {
                Options = SandboxOptions.Default,
                MessageContains = "without calling callback",
                // Nothing can call back once the job queue is empty: the denial does not wait for the budget.
                Verify = o => o.Timings.TotalMs.Should().BeLessThan(SandboxOptions.Default.TimeBudget.TotalMilliseconds),
            },
        Case("awaits a promise that never settles", "(async () => { await new Promise(() => { }); callback(null, user, context); })();",
            HostileExpectation.Denied(DenialKind.Timeout)) with { MessageContains = "without calling callback" },
        Case("async rule that rejects instead of calling back", "return (async () => { await null; null.boom; })();",
            HostileExpectation.Denied(DenialKind.RuleError)) with { MessageContains = "TypeError" },
    ];

    private static IEnumerable<HostileRule> MemoryBombs() =>
    [
        Case("'x'.repeat(3e8) under the default limits", "callback(null, { ...user, bomb: 'x'.repeat(3e8) }, context);",
            HostileExpectation.DeniedByLimit("MaxStringLength")) with { Options = SandboxOptions.Default },
        Case("padStart to 3e8 characters", "'x'.padStart(3e8, 'ab');", HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("padEnd to 1e9 characters", "'x'.padEnd(1e9);", HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("join of 100 copies of one 1 MB string", "const big = 'x'.repeat(1e6); new Array(100).fill(big).join('');",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("String.prototype.concat of 100 copies of one 1 MB string", "const big = 'x'.repeat(1e6); ''.concat(...new Array(100).fill(big));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("replaceAll with a 100 kB replacement", "'a'.repeat(1000).replaceAll('a', 'b'.repeat(1e5));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("replaceAll with a pattern object whose toString is empty", "'a'.repeat(1e4).replaceAll({ toString() { return ''; } }, 'b'.repeat(1e5));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("replace with a regex that matches between every character", "'a'.repeat(1e4).replace(/(?:)/g, 'b'.repeat(1e5));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("RegExp.prototype[Symbol.replace] called directly", "/(?:)/g[Symbol.replace]('a'.repeat(1e4), '$`'.repeat(100));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("JSON.stringify of 1000 references to one 4 MB string", "const big = 'x'.repeat(4e6); JSON.stringify(new Array(1000).fill(big));",
            HostileExpectation.DeniedByLimit("MaxStringLength")) with { Options = SandboxOptions.Default },
        Case("JSON.stringify of a String wrapper referenced 1000 times", "const big = new String('x'.repeat(4e6)); JSON.stringify({ a: new Array(1000).fill(big) });",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("JSON.stringify of a doubling DAG, indented", "let o = 1; for (let i = 0; i < 40; i++) o = [o, o]; JSON.stringify(o, null, 10);",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("JSON.stringify of 1000 references to one raw JSON text", "const raw = JSON.rawJSON('\"' + 'x'.repeat(4e6) + '\"'); JSON.stringify(new Array(1000).fill(raw));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("String.raw interleaving 2000 copies of a 1 MB string", "const big = 'x'.repeat(1e6); String.raw({ raw: new Array(2000).fill(big) });",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("typed-array join with a 10 kB separator", "new Uint8Array(1e6).join('x'.repeat(1e4));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("Intl.ListFormat of 2000 copies of a 1 MB string", "new Intl.ListFormat('en').format(new Array(2000).fill('x'.repeat(1e6)));",
            HostileExpectation.DeniedByLimit("MaxStringLength")),
        Case("new ArrayBuffer(2 ** 31)", "new ArrayBuffer(2 ** 31);", HostileExpectation.DeniedByLimit("MemoryLimitBytes")),
        Case("new Float64Array(1e9)", "new Float64Array(1e9);", HostileExpectation.DeniedByLimit("MemoryLimitBytes")),
        Case("resizable ArrayBuffer with a 4 GB maximum", "new ArrayBuffer(8, { maxByteLength: 2 ** 32 });", HostileExpectation.DeniedByLimit("MemoryLimitBytes")),
        Case("typed array from an array-like whose length grows after the check", """
            let reads = 0;
            const source = { get length() { return reads++ === 0 ? 1 : 2e8; } };
            callback(null, { ...user, allocated: new Float64Array(source).length }, context);
            """, HostileExpectation.Harmless)
            with { Verify = o => o.User["allocated"]!.GetValue<double>().Should().Be(1, "the length that was checked is the length allocated") },
        Case("ArrayBuffer whose length valueOf grows after the check", """
            let reads = 0;
            const length = { valueOf() { return reads++ === 0 ? 8 : 2 ** 31; } };
            callback(null, { ...user, allocated: new ArrayBuffer(length).byteLength }, context);
            """, HostileExpectation.Harmless)
            with { Verify = o => o.User["allocated"]!.GetValue<double>().Should().Be(8, "the length that was checked is the length allocated") },
        Case("ArrayBuffer length given as an object", "new ArrayBuffer({ valueOf() { return 2 ** 33; } });",
            HostileExpectation.DeniedByLimit("MemoryLimitBytes")) with { MessageContains = "would allocate" },
        Case("typed array copied from a source that lies about its length", """
            const source = new Uint8Array(16e6);
            Object.defineProperty(source, 'length', { value: 1 });
            new Float64Array(source);
            """, HostileExpectation.DeniedByLimit("MemoryLimitBytes")),
        Case("Map that grows forever", "const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });",
            HostileExpectation.DeniedByLimit("MemoryLimitBytes")) with { Options = MemoryLimited },
        Case("object that grows a key per iteration", "const o = {}; for (let i = 0; ; i++) o['k' + i] = i;",
            HostileExpectation.DeniedByLimit("MemoryLimitBytes")) with { Options = MemoryLimited },
        Case("string doubling with +", "let s = 'ab'; for (;;) s = s + s;", HostileExpectation.DeniedByLimit("MemoryLimitBytes"))
            with { Options = MemoryLimited },
    ];

    private static IEnumerable<HostileRule> HugeArrays() =>
    [
        Case("new Array(1e7).fill(0)", "new Array(1e7).fill(0);", HostileExpectation.DeniedByLimit("MaxArraySize")),
        Case("Array.from({ length: 1e7 })", "Array.from({ length: 1e7 });", HostileExpectation.DeniedByLimit("MaxArraySize")),
        Case("an 8 MB string split into characters", "'x'.repeat(8e6).split('');", HostileExpectation.DeniedByLimit("MaxArraySize")),
    ];

    private static IEnumerable<HostileRule> DeepRecursion() =>
    [
        Case("plain unbounded recursion under the default limits", "function down() { return down() + 1; } down();",
            HostileExpectation.DeniedByLimit("MaxRecursionDepth")) with { Options = SandboxOptions.Default },
        Case("recursion that catches its own overflow and recurses again", "function down() { try { return down() + 1; } catch (e) { return down(); } } down();",
            HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("getter that reads itself", "const o = { get x() { return this.x; } }; o.x;", HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("toString that coerces itself", "const o = { toString() { return '' + this; } }; String(o);", HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("valueOf that coerces itself", "const o = { valueOf() { return this * 2; } }; o + 1;", HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("Proxy get trap that reads through itself", "const p = new Proxy({}, { get(t, k, receiver) { return receiver[k]; } }); p.x;",
            HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("JSON.stringify of 100 000 nested objects", "let o = {}; for (let i = 0; i < 100000; i++) o = { o }; JSON.stringify(o);",
            HostileExpectation.DeniedByLimit("MaxRecursionDepth")) with { Options = SandboxOptions.Default },
        Case("flat(Infinity) of 100 000 nested arrays", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; a.flat(Infinity);",
            HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("generator delegating to itself", "function* down() { yield* down(); } down().next();", HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("async function awaiting itself", "async function down() { await down(); } down();", HostileExpectation.DeniedByLimit("MaxRecursionDepth")),
        Case("call through a chain of 300 000 bound functions", """
            let f = function () { return 1; };
            for (let i = 0; i < 300000; i++) f = f.bind(null);
            f();
            """, HostileExpectation.DeniedByLimit("MaxRecursionDepth")) with { Options = Quick with { MemoryLimitBytes = 1L << 30 } },
    ];

    private static IEnumerable<HostileRule> Regexes() =>
    [
        Case("catastrophic /(a+)+$/ under the default limits", "/(a+)+$/.test('a'.repeat(40) + '!');", HostileExpectation.DeniedByLimit("RegexTimeout"))
            with { Options = SandboxOptions.Default },
        Case("catastrophic regex inside try/catch", "try { /^(\\w+\\s?)*$/.test('a'.repeat(5000) + '!'); } catch (e) { } callback(null, user, context);",
            HostileExpectation.DeniedByLimit("RegexTimeout")),
    ];

    private const string Poisoned = "callback(new UnauthorizedError('poisoned'));";

    private static IEnumerable<HostileRule> Poisoning() =>
    [
        Case("Array.prototype.includes replaced", "Array.prototype.includes = function () { return false; }; " + Poisoned,
            HostileExpectation.Denied(DenialKind.RuleDenied)) with { MessageContains = "poisoned" },
        Case("Array.prototype.includes replaced in strict mode", "(function () { 'use strict'; Array.prototype.includes = function () { return false; }; })(); " + Poisoned,
            HostileExpectation.Denied(DenialKind.RuleError)) with { MessageContains = "read only" },
        Case("Object.prototype.isAdmin = true", "Object.prototype.isAdmin = true; try { Object.prototype.__proto__ = { isAdmin: true }; } catch (e) { } " + Poisoned,
            HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("JSON.parse replaced", "JSON.parse = function () { return { isAdmin: true }; }; JSON.stringify = () => '{}'; " + Poisoned,
            HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("Object.defineProperty on Function.prototype", "Object.defineProperty(Function.prototype, 'call', { value: function () { return 'poisoned'; } }); " + Poisoned,
            HostileExpectation.Denied(DenialKind.RuleError)) with { MessageContains = "call" },
        Case("array iterator's next replaced through an instance", """
            try { Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return { done: true }; }; } catch (e) { }
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("Map, Set, string and matchAll iterators replaced through instances", """
            const done = function () { return { done: true }; };
            for (const it of [new Map()[Symbol.iterator](), new Set()[Symbol.iterator](), ''[Symbol.iterator](), 'a'.matchAll(/a/g), [].values().map((x) => x)]) {
              try { Object.getPrototypeOf(it).next = done; } catch (e) { }
            }
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("async generator prototype replaced", """
            try { Object.getPrototypeOf(async function* () { }).prototype.next = function () { return Promise.resolve({ done: true }); }; } catch (e) { }
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("AsyncFunction.prototype given its own call", """
            const AsyncFunctionPrototype = Object.getPrototypeOf(async function () { });
            try { Object.defineProperty(AsyncFunctionPrototype, 'call', { value: () => 'poisoned' }); } catch (e) { }
            try { AsyncFunctionPrototype.constructor.prototype.call = () => 'poisoned'; } catch (e) { }
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("Auth0 globals overwritten", """
            for (const poison of [
              () => { console.log = function () { }; }, () => { auth0.users.updateAppMetadata = null; },
              () => { UnauthorizedError.prototype.name = 'Nope'; }, () => { configuration.GREETING = 'pwned'; },
              () => { global = { isAdmin: true }; }, () => { require = () => ({}); }, () => { delete globalThis.auth0; }]) {
              try { poison(); } catch (e) { }
            }
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("global object made non-extensible and re-prototyped", """
            try { Object.setPrototypeOf(globalThis, { isAdmin: true, leaked: 1 }); } catch (e) { }
            Object.preventExtensions(globalThis);
            """ + Poisoned, HostileExpectation.Denied(DenialKind.RuleDenied)),
        Case("sloppy globals leak the user's email", "leaked = user.email; this.leakedToo = user.email; globalThis.leaked3 = user.email; callback(null, user, context);",
            HostileExpectation.Harmless),
    ];

    /// <summary>Each escape attempt reports what it reached; the login must fail on the attempt, never be allowed with it.</summary>
    private static HostileRule Escape(string name, string attempt, string? message = null) =>
        Case(name, $"const escaped = {attempt};\ncallback(null, {{ ...user, escaped: String(escaped) }}, context);", HostileExpectation.Denied(DenialKind.RuleError))
            with { MessageContains = message };

    private static IEnumerable<HostileRule> Escapes() =>
    [
        Escape("eval", "eval('this')", "String compilation"),
        Escape("indirect eval", "(0, eval)('globalThis')", "String compilation"),
        Escape("Function constructor", "Function('return this')()", "String compilation"),
        Escape("constructor of a function expression", "(function () { }).constructor('return this')()", "String compilation"),
        Escape("AsyncFunction constructor", "(async function () { }).constructor('return this')()", "String compilation"),
        Escape("GeneratorFunction constructor", "(function* () { }).constructor('return this')().next().value", "String compilation"),
        Escape("AsyncGeneratorFunction constructor", "(async function* () { }).constructor('return this')()", "String compilation"),
        Escape("ShadowRealm evaluate", "new ShadowRealm().evaluate('globalThis')", "String compilation"),
        Escape("setTimeout", "setTimeout(() => callback(null, user, context), 0)", "setTimeout is not available"),
        Escape("require('fs')", "require('fs').readFileSync('/etc/passwd')", "require('fs') is not available"),
        Escape("importNamespace", "importNamespace('System.IO')", "importNamespace is not defined"),
        Escape("System.IO", "System.IO.File.ReadAllText('/etc/passwd')", "System is not defined"),
        Escape("clrHelper", "clrHelper.typeOf('x')", "clrHelper is not defined"),
        Escape("CLR methods on the callback", "callback.GetType().Assembly", "GetType"),
        Escape("Atomics.wait blocking the thread", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)", "Atomics.wait"),
        Escape("dynamic import", "import('fs')", "Module loading") with { ReusesRuntime = false },
    ];

    private static IEnumerable<HostileRule> CallbackAbuse() =>
    [
        Case("callback twice: deny, then allow", "callback(new UnauthorizedError('first call wins')); callback(null, user, context);",
            HostileExpectation.Denied(DenialKind.RuleDenied))
            with
            {
                MessageContains = "first call wins",
                Verify = o => o.Logs.Should().Contain(l => l.Contains("called callback more than once")),
            },
        Case("callback kept in global by an earlier login", "global.savedCallback(null, user, context); return;",
            HostileExpectation.Denied(DenialKind.Timeout))
            with { Prime = "global.savedCallback = callback; return;", MessageContains = "without calling callback" },
        Case("callback(null) with a non-object user and context", "callback(null, 42, 'not a context');", HostileExpectation.Harmless)
            with { Verify = o => o.User["user_id"]!.GetValue<string>().Should().Be("auth0|alice") },
        Case("throws right after calling callback", "callback(null, user, context); throw new Error('after callback');",
            HostileExpectation.Harmless) with { Verify = o => o.Logs.Should().Contain(l => l.Contains("threw after calling callback") && l.Contains("after callback")) },
        Case("runs out of statements right after calling callback", "callback(null, user, context); for (;;) { }",
            HostileExpectation.DeniedByLimit("MaxStatements")),
        Case("error whose message getter never returns", "callback({ get message() { for (;;) { } } });", HostileExpectation.OutOfTime)
            with { Options = ClockLimited },
        Case("context Proxy whose traps never return", "callback(null, user, new Proxy(context, { getOwnPropertyDescriptor() { for (;;) { } } }));",
            HostileExpectation.OutOfTime) with { Options = ClockLimited },
        Case("context Proxy whose traps throw", "callback(null, user, new Proxy(context, { getOwnPropertyDescriptor() { throw new Error('trap'); } }));",
            HostileExpectation.Denied(DenialKind.RuleError)) with { MessageContains = "trap" },
        Case("error object that is a Proxy with a looping trap", "callback(new Proxy({}, { getPrototypeOf() { for (;;) { } } }));", HostileExpectation.OutOfTime)
            with { Options = ClockLimited },
    ];

    // A later rule that must still see the impersonation, whatever the hostile rule did.
    private const string RejectsImpersonation = """
        function (user, context, callback) {
          if (user.impersonated) {
            return callback(new UnauthorizedError('impersonation by ' + user.impersonator.email + ' is not allowed'));
          }
          callback(null, user, context);
        }
        """;

    private static HostileRule Unimpersonate(string name, string code) =>
        Case(name, code, HostileExpectation.Denied(DenialKind.RuleDenied)) with
        {
            Impersonated = true,
            LaterRules = [RejectsImpersonation],
            DeniedBy = "rule2",
            MessageContains = "impersonation by support@example.com",
            Verify = OriginalImpersonation,
        };

    private static void MarkersKeptWithLog(Outcome outcome)
    {
        OriginalImpersonation(outcome);
        outcome.Logs.Should().Contain(l => l.Contains("cannot carry the impersonation markers"));
    }

    private static void OriginalImpersonation(Outcome outcome)
    {
        outcome.User["impersonated"]!.GetValue<bool>().Should().BeTrue();
        outcome.User["impersonator"]!["user_id"]!.GetValue<string>().Should().Be("auth0|support");
        outcome.User["impersonator"]!["email"]!.GetValue<string>().Should().Be("support@example.com");
    }

    private static IEnumerable<HostileRule> Impersonation() =>
    [
        Unimpersonate("assigns and deletes the impersonation markers", """
            user.impersonated = false; delete user.impersonated; delete user.impersonator; user.impersonator = { user_id: 'auth0|alice' };
            callback(null, user, context);
            """),
        Unimpersonate("redefines impersonated with Object.defineProperty", """
            try { Object.defineProperty(user, 'impersonated', { value: false }); } catch (e) { }
            try { Object.setPrototypeOf(user, { impersonated: false }); } catch (e) { }
            callback(null, user, context);
            """),
        Unimpersonate("mutates the impersonator object", """
            user.impersonator.user_id = 'auth0|alice'; user.impersonator.email = 'alice@example.com'; delete user.impersonator.email;
            callback(null, user, context);
            """),
        Unimpersonate("passes a copy with impersonated: false", "callback(null, { ...user, impersonated: false, impersonator: null }, context);"),
        Unimpersonate("passes a frozen copy with impersonated: false", "callback(null, Object.freeze({ ...user, impersonated: false }), context);")
            with { Verify = MarkersKeptWithLog },
        // A Proxy's get trap could answer anything for impersonated: it cannot carry the markers, so later rules get the previous user.
        Unimpersonate("passes a Proxy over the user that lies about impersonated", """
            callback(null, new Proxy(user, { get(t, key) { return key === 'impersonated' ? false : t[key]; } }), context);
            """) with { Verify = MarkersKeptWithLog },
        Unimpersonate("passes a Proxy over a copy that lies about impersonated", """
            callback(null, new Proxy({ ...user, impersonated: false }, { get(t, key) { return key === 'impersonated' ? false : t[key]; } }), context);
            """) with { Verify = MarkersKeptWithLog },
        Unimpersonate("passes a copy with an accessor for impersonated", """
            const copy = { ...user };
            delete copy.impersonated;
            Object.defineProperty(copy, 'impersonated', { get() { return false; }, enumerable: true, configurable: true });
            callback(null, copy, context);
            """),
        Case("forges impersonation markers on a normal login", """
            user.impersonated = true; user.impersonator = { user_id: 'auth0|admin', email: 'admin@example.com' };
            callback(null, user, context);
            """, HostileExpectation.Harmless)
            with
            {
                Verify = o =>
                {
                    o.User.ContainsKey("impersonated").Should().BeFalse();
                    o.User.ContainsKey("impersonator").Should().BeFalse();
                },
            },
    ];

    private static IEnumerable<HostileRule> Claims() =>
    [
        Case("sets reserved claims iss, sub, impersonated and act in the ID token", """
            Object.assign(context.idToken, { iss: 'https://evil.example.com/', sub: 'auth0|admin', impersonated: false, act: { sub: 'auth0|admin' } });
            context.idToken['https://example.com/role'] = 'admin';
            callback(null, user, context);
            """, HostileExpectation.Harmless)
            with
            {
                Verify = o =>
                {
                    o.DroppedClaims.Where(d => d.Token == "idToken").Select(d => d.Claim).Should().BeEquivalentTo(["iss", "sub", "impersonated", "act"]);
                    o.IdToken.Select(p => p.Key).Should().BeEquivalentTo(["https://example.com/role"]);
                },
            },
        Case("sets reserved claims on the access token and in Auth0's namespace", """
            context.accessToken.sub = 'auth0|admin';
            context.accessToken.aud = 'https://evil.example.com/';
            context.accessToken['https://auth0.com/roles'] = ['admin'];
            context.accessToken.scope = ['openid', 'profile'];
            callback(null, user, context);
            """, HostileExpectation.Harmless)
            with
            {
                Verify = o =>
                {
                    o.DroppedClaims.Select(d => d.Claim).Should().BeEquivalentTo(["sub", "aud", "https://auth0.com/roles"]);
                    o.AccessToken.Select(p => p.Key).Should().BeEquivalentTo(["scope"]);
                },
            },
        Case("reserved claim behind a getter", """
            Object.defineProperty(context.idToken, 'sub', { get() { return 'auth0|admin'; }, enumerable: true });
            callback(null, user, context);
            """, HostileExpectation.Harmless)
            with { Verify = o => o.IdToken.ContainsKey("sub").Should().BeFalse() },
    ];

    private static IEnumerable<HostileRule> Floods() =>
    [
        Case("console.log in an endless loop", "for (;;) console.log(user.email);", HostileExpectation.DeniedByLimit("MaxStatements"))
            with
            {
                Options = StatementLimited with { MaxStatements = 200_000 },
                Verify = o => o.Logs.Count.Should().BeLessThanOrEqualTo(StatementLimited.MaxLogEntries + 1),
            },
        Case("metadata updates in an endless loop", "for (;;) auth0.users.updateAppMetadata(user.user_id, { roles: ['admin'] });",
            HostileExpectation.DeniedByLimit("MaxStatements")) with { Options = StatementLimited with { MaxStatements = 200_000 } },
    ];
}

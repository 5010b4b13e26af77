using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rules.Engine.Compilation;
using Rules.Engine.Http;
using Rules.Engine.Pipeline;
using Rules.Engine.Runtime;
using Rules.Engine.Testing.Coverage;

namespace Rules.Engine.Testing;

/// <summary>What a test run selects and records.</summary>
public sealed record TestRunOptions
{
    /// <summary>Only cases whose <see cref="RuleTestCase.Id"/> (file/name) matches run.</summary>
    public Regex? Filter { get; init; }

    /// <summary>Record line coverage, in a debugger-enabled runtime built for this run only.</summary>
    public bool Coverage { get; init; }
}

/// <summary>
/// Runs test cases against a compiled rule set, each case its own login. Without coverage the cases go through
/// <see cref="RulePipeline"/>, exactly as logins do; with coverage they run in an instrumented runtime.
/// </summary>
public static class TestRunner
{
    /// <summary>The cases whose <see cref="RuleTestCase.Id"/> matches <paramref name="filter"/>; all of them when it is null.</summary>
    public static IReadOnlyList<RuleTestCase> Select(IReadOnlyList<RuleTestCase> cases, Regex? filter) =>
        filter is null ? cases : cases.Where(c => filter.IsMatch(c.Id)).ToArray();

    /// <summary>Runs each case against <paramref name="ruleSet"/> and compares its outcome with the case's expectations. Cases run in order; their HTTP calls are answered from the case's fixtures, never the network, and a call no fixture answers fails the case.</summary>
    public static TestRunResult Run(CompiledRuleSet ruleSet, IReadOnlyList<RuleTestCase> cases, TestRunOptions? options = null)
    {
        options ??= new TestRunOptions();
        var selected = Select(cases, options.Filter);
        var collector = options.Coverage ? new CoverageCollector(ruleSet.Enabled) : null;
        var executors = new Dictionary<string, ICaseExecutor>(StringComparer.Ordinal);
        var results = new List<TestCaseResult>(selected.Count);
        try
        {
            foreach (var testCase in selected)
            {
                var set = WithCaseConfiguration(ruleSet, testCase);
                if (!executors.TryGetValue(set.Version, out var executor))
                {
                    executor = collector is null ? new PipelineExecutor(set) : new InstrumentedExecutor(set, collector);
                    executors[set.Version] = executor;
                }

                // Cases never reach the network: their calls are answered from the case's fixtures, and one that no
                // fixture answers fails the case, showing the call.
                var http = new FixtureHttpTransport(testCase.Http ?? [], executor.Egress);
                var outcome = executor.Execute(testCase.Transaction, new ExecutionOptions { Http = http });
                var json = OutcomeJson.ToJsonObject(outcome, includeTimings: false);
                if (testCase.Continue is { } step)
                {
                    if (outcome.Redirect is not { } redirect)
                    {
                        results.Add(new TestCaseResult(testCase, outcome, json,
                            [$"continue: the login must redirect before it can continue, got {json["decision"]} ({ReplayDescribe(json)})"]));
                        continue;
                    }
                    var query = (JsonObject)step.Query.DeepClone();
                    if (!query.ContainsKey("state"))
                    {
                        query["state"] = redirect.State;
                    }
                    var (continued, continueOptions) = RedirectContinuation.Build(set, testCase.Transaction, json, query, step.Body, null);
                    outcome = executor.Execute(continued, continueOptions with { Http = http });
                    json = OutcomeJson.ToJsonObject(outcome, includeTimings: false);
                }
                var mismatches = OutcomeMatcher.Compare(testCase.Expect, json);
                if (!http.Unmatched.IsEmpty)
                {
                    mismatches = [.. mismatches, .. http.Unmatched.Select(call => $"HTTP call with no fixture in the case's \"http\": {call}")];
                }
                results.Add(new TestCaseResult(testCase, outcome, json, mismatches));
            }
        }
        finally
        {
            foreach (var executor in executors.Values)
            {
                executor.Dispose();
            }
        }

        return new TestRunResult(results, collector?.Report(ruleSet.Enabled));
    }

    /// <summary>A case's "configuration" overrides rules.json's, key by key; the set is recompiled (scripts come from the cache).</summary>
    private static CompiledRuleSet WithCaseConfiguration(CompiledRuleSet ruleSet, RuleTestCase testCase)
    {
        if (testCase.Configuration is not { Count: > 0 } overrides)
        {
            return ruleSet;
        }
        var configuration = new Dictionary<string, string>(ruleSet.RuleSet.Configuration, StringComparer.Ordinal);
        foreach (var (key, value) in overrides)
        {
            configuration[key] = value;
        }
        var compilation = RuleCompiler.Compile(ruleSet.RuleSet.WithConfiguration(configuration), ruleSet.Options);
        return compilation.Compiled ?? throw new InvalidOperationException("a rule set that compiled stopped compiling when only its configuration changed");
    }

    private interface ICaseExecutor : IDisposable
    {
        EgressPolicy Egress { get; }

        Outcome Execute(LoginTransaction transaction, ExecutionOptions options);
    }

    private static string ReplayDescribe(JsonObject outcome) => Replay.ReplayClassifier.Describe(outcome);

    private sealed class PipelineExecutor(CompiledRuleSet ruleSet) : ICaseExecutor
    {
        private readonly RulePipeline _pipeline = new(ruleSet);

        public EgressPolicy Egress => _pipeline.Egress;

        public Outcome Execute(LoginTransaction transaction, ExecutionOptions options) => _pipeline.Execute(transaction, options);

        public void Dispose() => _pipeline.Dispose();
    }

    private sealed class InstrumentedExecutor(CompiledRuleSet ruleSet, CoverageCollector collector) : ICaseExecutor
    {
        private RuleRuntime? _runtime;

        public EgressPolicy Egress { get; } = EgressPolicy.Parse(ruleSet.RuleSet.Egress);

        public Outcome Execute(LoginTransaction transaction, ExecutionOptions options)
        {
            _runtime ??= new RuleRuntime(ruleSet, new RuntimeInstrumentation(collector.OnStep));
            var outcome = _runtime.Run(transaction, options);
            if (_runtime.Broken)
            {
                // As the pool does: a runtime that tripped a limit is never reused.
                _runtime.Dispose();
                _runtime = null;
            }
            return outcome;
        }

        public void Dispose() => _runtime?.Dispose();
    }
}

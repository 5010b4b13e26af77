using System.Diagnostics;
using BenchmarkDotNet.Running;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;

namespace Rules.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --filter '*'
    // dotnet run -c Release --project benchmarks/Rules.Benchmarks -- --rule-timings [logins]
    public static void Main(string[] args)
    {
        if (args is ["--rule-timings", ..])
        {
            RuleTimings(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    /// <summary>
    /// A quick look without BenchmarkDotNet: runs warm logins and prints, per login kind, the median wall time of
    /// <c>Execute</c> and of each rule as the pipeline itself times it (Outcome.Timings, Stopwatch around each rule call).
    /// </summary>
    private static void RuleTimings(int logins)
    {
        var compiled = BenchmarkData.Compile(BenchmarkData.LoadRuleSet(), new ScriptCache());
        Console.WriteLine($"rule set {compiled.Version}: {compiled.Enabled.Count} rules from {BenchmarkData.RulesDirectory()}; {logins:N0} warm logins each");
        using var pipeline = new RulePipeline(compiled);
        pipeline.Warm();
        var transactions = BenchmarkData.Logins.Select(BenchmarkData.Transaction).ToArray();
        foreach (var (login, transaction) in BenchmarkData.Logins.Zip(transactions))
        {
            BenchmarkData.Verify(pipeline.Execute(transaction), compiled, login);
        }
        BenchmarkData.WarmUp(pipeline, transactions, TimeSpan.FromSeconds(3));

        foreach (var (login, transaction) in BenchmarkData.Logins.Zip(transactions))
        {

            var total = new double[logins];
            var perRule = compiled.Enabled.Select(_ => new double[logins]).ToArray();
            for (var i = 0; i < logins; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = pipeline.Execute(transaction);
                total[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                for (var r = 0; r < outcome.Timings.Rules.Count; r++)
                {
                    perRule[r][i] = outcome.Timings.Rules[r].Ms * 1000;
                }
            }

            Console.WriteLine();
            Console.WriteLine($"{login} login: Execute median {Median(total):F1} µs (p90 {Percentile(total, 0.9):F1} µs)");
            var rulesSum = 0.0;
            for (var r = 0; r < perRule.Length; r++)
            {
                var median = Median(perRule[r]);
                rulesSum += median;
                Console.WriteLine($"  {median,7:F1} µs  {compiled.Enabled[r].Name}");
            }
            Console.WriteLine($"  {rulesSum,7:F1} µs  all rules (sum of medians); the rest ({Median(total) - rulesSum:F1} µs) is conversion, outcome, snapshot restore and pool");
        }
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Round(p * (sorted.Length - 1)))];
    }
}

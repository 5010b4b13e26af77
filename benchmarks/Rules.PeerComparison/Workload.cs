using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Benchmarks;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.PeerComparison;

/// <summary>One login every engine runs: its label, the transaction file's JSON text, and the parsed transaction.</summary>
public sealed record LoginCase(string Login, string Json, LoginTransaction Transaction);

/// <summary>What one comparison row runs: a rule set (sources and configuration) and the logins, identical for every engine.</summary>
public sealed record Workload(string Label, RuleSet RuleSet, IReadOnlyList<LoginCase> Logins)
{
    public IReadOnlyList<RuleSource> EnabledRules => RuleSet.Rules.Where(r => r.Enabled).ToArray();
}

/// <summary>
/// Builds the workloads: the sample rule set (Rules.Samples/rules) cut or cycled to 1, 5, 20, 50 rules, and the
/// benchmark logins (BenchmarkData: impersonated and normal) with app_metadata padded to a given size.
/// </summary>
public static class Workloads
{
    public static readonly int[] RuleCounts = [1, 5, 20, 50];

    public static readonly int[] AppMetadataSizes = [1024, 16 * 1024, 64 * 1024];

    /// <summary>The profile sizes the "cost independent of profile size" goal is stated for.</summary>
    public static readonly int[] ProfileGoalSizes = [16 * 1024, 64 * 1024];

    /// <summary>
    /// Five sample rules none of which reads user.app_metadata (the first five minus "Never impersonate an administrator",
    /// plus "Mark impersonated sessions in the tokens"): what a login costs when its rules do not read the profile's bulk.
    /// </summary>
    private static readonly string[] RulesNotReadingAppMetadata =
    [
        "impersonation-support-agents-only.js", "impersonation-allowed-clients.js", "impersonation-business-hours.js",
        "email-verified.js", "impersonation-token-claims.js",
    ];

    /// <summary>The pipeline the goals are stated for: the first five sample rules.</summary>
    public const int GoalRuleCount = 5;

    public static RuleSet SampleRuleSet()
    {
        var root = BenchmarkData.FindRepositoryRoot() ?? throw new InvalidOperationException("run from inside the repository (Rules.sln not found)");
        return RuleSetDirectory.Load(Path.Combine(root, "Rules.Samples", "rules"));
    }

    /// <summary>
    /// The first <paramref name="count"/> enabled sample rules in rules.json order, cycling past the last one; a repeated
    /// rule is renamed "name #2", "#3"... (names must be unique, and every engine logs under the same name).
    /// </summary>
    public static Workload Pipeline(int count, int? appMetadataBytes = null)
    {
        var sample = SampleRuleSet();
        var enabled = sample.Rules.Where(r => r.Enabled).ToArray();
        var rules = Enumerable.Range(0, count).Select(i =>
        {
            var source = enabled[i % enabled.Length];
            var round = i / enabled.Length;
            return round == 0 ? source : source with { Name = $"{source.Name} #{round + 1}" };
        });
        var label = appMetadataBytes is { } bytes ? $"{count} rules, app_metadata {bytes / 1024} KB" : $"{count} rules";
        return new Workload(label, new RuleSet(rules, sample.Configuration), Logins(appMetadataBytes));
    }

    /// <summary>
    /// <paramref name="count"/> rules that only call back (<c>callback(null, user, context)</c>): the pipeline's fixed
    /// cost per rule (the call, the callback, the checks after each rule), with no rule body to interpret.
    /// </summary>
    public static Workload CallBackAtOnce(int count)
    {
        var rules = Enumerable.Range(0, count).Select(i =>
            new RuleSource($"call back at once #{i + 1}", $"call-back-{i + 1}.js", "function (user, context, callback) { callback(null, user, context); }"));
        return new Workload($"{count} rules that call back at once", new RuleSet(rules), Logins());
    }

    /// <summary>The sample Actions (Rules.Samples/actions: four post-login actions, the twins of sample rules), sample profile.</summary>
    public static Workload SampleActions()
    {
        var root = BenchmarkData.FindRepositoryRoot() ?? throw new InvalidOperationException("run from inside the repository (Rules.sln not found)");
        return new Workload("4 sample actions", RuleSetDirectory.Load(Path.Combine(root, "Rules.Samples", "actions")), Logins());
    }

    /// <summary>The five sample rules that never read app_metadata, with app_metadata grown to <paramref name="appMetadataBytes"/>.</summary>
    public static Workload NotReadingAppMetadata(int appMetadataBytes)
    {
        var sample = SampleRuleSet();
        var rules = RulesNotReadingAppMetadata.Select(file => sample.Rules.Single(r => Path.GetFileName(r.File) == file)).ToArray();
        return new Workload($"5 rules not reading it, app_metadata {appMetadataBytes / 1024} KB", new RuleSet(rules, sample.Configuration), Logins(appMetadataBytes));
    }

    /// <summary>
    /// The whole sample rule set against every transaction in Rules.Samples/transactions (allow and deny paths alike):
    /// the agreement check that runs before anything is timed, so the engines are shown to share the contract on the
    /// denials too, not only on the two benchmark logins.
    /// </summary>
    public static Workload SampleTransactions()
    {
        var root = BenchmarkData.FindRepositoryRoot()!;
        var logins = Directory.GetFiles(Path.Combine(root, "Rules.Samples", "transactions"), "*.json").Order(StringComparer.Ordinal)
            .Select(file =>
            {
                var json = File.ReadAllText(file);
                return new LoginCase(Path.GetFileNameWithoutExtension(file), json, TransactionJson.Parse(json, file));
            }).ToArray();
        return new Workload("sample rules × Rules.Samples/transactions", SampleRuleSet(), logins);
    }

    public static IReadOnlyList<LoginCase> Logins(int? appMetadataBytes = null) =>
        BenchmarkData.Logins.Select(login =>
        {
            var json = login == BenchmarkData.Impersonated ? BenchmarkData.ImpersonatedJson : BenchmarkData.NormalJson;
            if (appMetadataBytes is { } bytes)
            {
                json = PadAppMetadata(json, bytes);
            }
            return new LoginCase(login, json, TransactionJson.Parse(json, login));
        }).ToArray();

    /// <summary>
    /// Grows user.app_metadata to about <paramref name="bytes"/> of JSON with a login history (objects of strings and
    /// numbers), the way real profiles grow; the rules' own keys (roles, visits) stay as they are.
    /// </summary>
    public static string PadAppMetadata(string transactionJson, int bytes)
    {
        var root = JsonNode.Parse(transactionJson)!.AsObject();
        var metadata = root["user"]!["app_metadata"]!.AsObject();
        var history = new JsonArray();
        metadata["login_history"] = history;
        for (var i = 0; metadata.ToJsonString().Length < bytes; i++)
        {
            history.Add(new JsonObject
            {
                ["at"] = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i * 7).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["ip"] = $"73.162.{i % 250}.{(i * 7) % 250}",
                ["client"] = i % 2 == 0 ? "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA" : "Vb7nM2qW9eR4tY1uI6oP3aS8dF5gH0jK",
                ["ok"] = i % 5 != 0,
                ["n"] = i,
            });
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}

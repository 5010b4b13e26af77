using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.PeerComparison.Engines;

/// <summary>The native floor: the workload's rules as <see cref="NativeRules"/> delegates, run in order on the parsed transaction.</summary>
public sealed class NativeEngine : ILoginEngine
{
    private readonly (string Name, Func<NativeLogin, NativeDenial?> Rule)[] _rules;
    private readonly LoginTransaction[] _logins;

    public NativeEngine(Workload workload)
    {
        var rules = new NativeRules(workload.RuleSet.Configuration);
        _rules = workload.EnabledRules.Select(r => (r.Name, rules.ForFile(Path.GetFileName(r.File)))).ToArray();
        _logins = workload.Logins.Select(l => l.Transaction).ToArray();
    }

    public object Login(int index) => Run(_logins[index]);

    public JsonObject Comparable(int index)
    {
        var (login, denial, rule) = Run(_logins[index]);
        return new JsonObject
        {
            ["decision"] = denial is null ? "allow" : "deny",
            ["rule"] = rule,
            ["error"] = denial is null ? null : denial.Unauthorized ? "unauthorized" : "access_denied",
            ["error_description"] = denial?.Description,
            ["idToken"] = login.IdToken,
            ["accessToken"] = login.AccessToken,
            ["metadataUpdates"] = new JsonArray(login.MetadataUpdates.Select(u => (JsonNode)u).ToArray()),
            ["logs"] = new JsonArray(login.Logs.Select(l => (JsonNode)l).ToArray()),
        };
    }

    private (NativeLogin Login, NativeDenial? Denial, string? Rule) Run(LoginTransaction transaction)
    {
        var login = new NativeLogin(transaction.User, transaction.Context, transaction.Now ?? DateTimeOffset.UtcNow);
        foreach (var (name, rule) in _rules)
        {
            login.CurrentRule = name;
            if (rule(login) is { } denial)
            {
                return (login, denial, name);
            }
        }
        return (login, null, null);
    }

    public void Dispose()
    {
    }
}

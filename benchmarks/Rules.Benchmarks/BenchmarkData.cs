using System.Text;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;

namespace Rules.Benchmarks;

/// <summary>
/// What every benchmark runs: the rule set (Rules.Samples/rules by default) and two logins, an impersonated
/// one and a normal one, both built from JSON exactly as <c>rules eval</c> reads a transaction file.
/// </summary>
public static class BenchmarkData
{
    /// <summary>Points the benchmarks at another rule-set directory.</summary>
    public const string RulesDirVariable = "RULES_BENCH_DIR";

    /// <summary>Set to 1 to accept a rule set that denies the benchmark logins (a denial still may not be a failure).</summary>
    public const string AllowDenyVariable = "RULES_BENCH_ALLOW_DENY";

    public const int MinimumSampleRules = 5;

    public const string Impersonated = "impersonated";

    public const string Normal = "normal";

    public static IEnumerable<string> Logins => [Impersonated, Normal];

    // Tuesday 2026-03-10, 10:30 desk time at UTC-05:00: inside the sample set's impersonation business hours.
    private const string Now = "2026-03-10T15:30:00Z";

    private const string Profile = """
          "user_id": "auth0|63f2a9c1d4e5b6a7c8d9e0f1",
          "email": "jordan.lee@gmail.com",
          "email_verified": true,
          "name": "Jordan Lee",
          "given_name": "Jordan",
          "family_name": "Lee",
          "nickname": "jordan.lee",
          "picture": "https://s.gravatar.com/avatar/6c8b2f1e0d4a9c7e3b5f1a2d8e6c4b0a?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fjl.png",
          "identities": [
            { "provider": "auth0", "user_id": "63f2a9c1d4e5b6a7c8d9e0f1", "connection": "Username-Password-Authentication", "isSocial": false }
          ],
          "app_metadata": { "roles": ["customer"], "plan": "pro", "visits": 41, "account_id": "acct_7Hq2Lm9Xv", "support_tier": "gold" },
          "user_metadata": { "preferred_language": "en", "newsletter": true, "timezone": "America/Chicago" },
          "created_at": "2023-02-20T16:41:05.318Z",
          "updated_at": "2026-03-09T14:02:11.870Z",
          "last_login": "2026-03-09T14:02:11.870Z",
          "last_ip": "73.162.44.19",
          "logins_count": 41
        """;

    private static string Context(string scope, string sessionId) => $$"""
          "tenant": "acme-prod",
          "clientID": "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA",
          "clientName": "Acme Customer Portal",
          "clientMetadata": { "tier": "customer" },
          "connection": "Username-Password-Authentication",
          "connectionStrategy": "auth0",
          "connectionID": "con_Xq2mT7vR9kL4pN8w",
          "protocol": "oidc-basic-profile",
          "request": {
            "ip": "73.162.44.19",
            "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36",
            "hostname": "acme-prod.us.auth0.com",
            "query": {
              "client_id": "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA",
              "response_type": "code",
              "redirect_uri": "https://portal.acme.example.com/callback",
              "scope": "{{scope}}",
              "state": "st_6d2c1d310003",
              "nonce": "6d2c1d310003777d"
            },
            "geoip": {
              "country_code": "US", "country_code3": "USA", "country_name": "United States", "city_name": "Chicago",
              "latitude": 41.8781, "longitude": -87.6298, "time_zone": "America/Chicago",
              "continent_code": "NA", "subdivision_code": "IL", "subdivision_name": "Illinois"
            }
          },
          "stats": { "loginsCount": 41 },
          "idToken": {},
          "accessToken": {},
          "sso": { "with_auth0": false, "with_dbconn": false },
          "authentication": { "methods": [ { "name": "pwd", "timestamp": 1773156600000 } ] },
          "sessionID": "{{sessionId}}"
        """;

    public static readonly string ImpersonatedJson = $$"""
        {
          "now": "{{Now}}",
          "user": {
            {{Profile}},
            "impersonated": true,
            "impersonator": { "user_id": "auth0|64b7f0c2a1e9d3f4b5c6a7d8", "email": "priya.shah@acme-support.example.com" }
          },
          "context": {
            {{Context("openid profile email read:orders write:orders delete:account", "sphrOrAS7yD1rup8Z20i2STTmzVOImIv")}}
          }
        }
        """;

    public static readonly string NormalJson = $$"""
        {
          "now": "{{Now}}",
          "user": {
            {{Profile}}
          },
          "context": {
            {{Context("openid profile email read:orders write:orders", "vpNB0rPvQA1UAfLZK780aqwKM_Dl3Cla")}}
          }
        }
        """;

    public static LoginTransaction Transaction(string login) => login switch
    {
        Impersonated => TransactionJson.Parse(ImpersonatedJson, "impersonated-login"),
        Normal => TransactionJson.Parse(NormalJson, "normal-login"),
        _ => throw new ArgumentOutOfRangeException(nameof(login), login, "expected 'impersonated' or 'normal'"),
    };

    /// <summary>The folder holding Rules.sln, found from the current directory or from where the binary runs.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Rules.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// RULES_BENCH_DIR when set; else Rules.Samples/rules when it holds at least five rules; else the
    /// five-rule fixture in benchmarks/Rules.Benchmarks/fixture-rules (also copied beside the binary).
    /// </summary>
    public static string RulesDirectory()
    {
        if (Environment.GetEnvironmentVariable(RulesDirVariable) is { Length: > 0 } explicitDir)
        {
            return Path.GetFullPath(explicitDir);
        }

        var root = FindRepositoryRoot();
        if (root is not null)
        {
            var samples = Path.Combine(root, "Rules.Samples", "rules");
            if (Directory.Exists(samples) && Directory.GetFiles(samples, "*.js").Length >= MinimumSampleRules)
            {
                return samples;
            }

            var fixture = Path.Combine(root, "benchmarks", "Rules.Benchmarks", "fixture-rules");
            if (Directory.Exists(fixture))
            {
                return fixture;
            }
        }
        return Path.Combine(AppContext.BaseDirectory, "fixture-rules");
    }

    public static RuleSet LoadRuleSet() => RuleSetDirectory.Load(RulesDirectory());

    public static CompiledRuleSet Compile(RuleSet ruleSet, ScriptCache cache)
    {
        var compilation = RuleCompiler.Compile(ruleSet, SandboxOptions.Default, cache);
        if (!compilation.Succeeded)
        {
            throw new InvalidOperationException("the benchmark rule set does not compile:\n" + string.Join("\n", compilation.Errors.Select(e => e.Format())));
        }
        return compilation.Compiled!;
    }

    /// <summary>
    /// Runs logins for <paramref name="duration"/> so that tiered JIT (tier 0, instrumented, tier 1 with PGO) has settled
    /// in Jint and the engine before anything is timed. A benchmark whose operation is long (hundreds of logins) gets too few
    /// invocations from BenchmarkDotNet's pilot and warm-up stages to reach that steady state on its own.
    /// </summary>
    public static void WarmUp(RulePipeline pipeline, IReadOnlyList<LoginTransaction> transactions, TimeSpan duration)
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
            for (var i = 0; i < 100; i++)
            {
                foreach (var transaction in transactions)
                {
                    pipeline.Execute(transaction);
                }
            }
        }
    }

    /// <summary>
    /// Fails the run when the pipeline does not do the real work: a failing rule, a timeout, a tripped limit,
    /// a denial (unless RULES_BENCH_ALLOW_DENY=1), or a pipeline that stopped before its last rule would all be "fast".
    /// </summary>
    public static void Verify(Outcome outcome, CompiledRuleSet ruleSet, string login)
    {
        var problem = new StringBuilder();
        if (outcome.Kind is DenialKind.RuleError or DenialKind.Timeout or DenialKind.Limit)
        {
            problem.Append($"the {login} login failed ({outcome.Kind}) in rule '{outcome.Rule}': {outcome.Failure}. ");
        }
        else if (!outcome.IsAllowed && Environment.GetEnvironmentVariable(AllowDenyVariable) != "1")
        {
            problem.Append($"the {login} login was denied by rule '{outcome.Rule}' ({outcome.ErrorDescription}); the benchmark logins must run every rule. ");
        }
        else if (outcome.IsAllowed && outcome.Timings.Rules.Count != ruleSet.Enabled.Count)
        {
            problem.Append($"the {login} login ran {outcome.Timings.Rules.Count} of {ruleSet.Enabled.Count} rules. ");
        }

        if (outcome.Logs.Any(l => l.StartsWith("[pipeline]", StringComparison.Ordinal)))
        {
            problem.Append("the pipeline logged a problem: " + string.Join(" | ", outcome.Logs.Where(l => l.StartsWith("[pipeline]", StringComparison.Ordinal))) + ". ");
        }

        if (problem.Length > 0)
        {
            throw new InvalidOperationException($"Benchmark sanity check failed for rule set {ruleSet.Version} ({RulesDirectory()}): {problem}\n{OutcomeJson.Serialize(outcome)}");
        }
    }
}

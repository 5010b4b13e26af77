using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Engine.Tests;

/// <summary>
/// Runs every transaction in Rules.Samples/transactions through the sample rule set in Rules.Samples/rules
/// and checks it against the transaction's own <c>"expect": { "decision", "rule", "error" }</c>.
/// </summary>
public sealed class SampleRuleSetTests(SampleRuleSetTests.SampleRuleSet samples) : IClassFixture<SampleRuleSetTests.SampleRuleSet>
{
    private const string Namespace = "https://rules.example.com/";

    /// <summary>Rules that only add to a login; every other rule must decide at least one deny transaction.</summary>
    private static readonly HashSet<string> EnrichmentRules = new(StringComparer.Ordinal)
    {
        "Mark impersonated sessions in the tokens",
        "Add roles to tokens and count visits",
    };

    public static TheoryData<string> TransactionFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in SampleRuleSet.TransactionPaths())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TransactionFiles))]
    public void Transaction_outcome_matches_its_expectation(string file)
    {
        var sample = samples.Run(file);
        var outcomeJson = OutcomeJson.Serialize(sample.Outcome);

        sample.Outcome.Decision.Should().Be(sample.Expected.Decision, outcomeJson);
        if (sample.Expected.Decision == Decision.Deny)
        {
            sample.Outcome.Rule.Should().Be(sample.Expected.Rule, outcomeJson);
            sample.Outcome.Error.Should().Be(sample.Expected.Error, outcomeJson);
            sample.Outcome.Kind.Should().Be(DenialKind.RuleDenied, "a sample denial is a policy decision, never a failing rule\n" + outcomeJson);
            sample.Outcome.ErrorDescription.Should().NotBeNullOrWhiteSpace();
        }
        else
        {
            sample.Outcome.Rule.Should().BeNull(outcomeJson);
            sample.Outcome.Error.Should().BeNull(outcomeJson);
        }
    }

    [Fact]
    public void Rule_set_loads_and_compiles_without_warnings()
    {
        samples.RuleSet.Rules.Should().HaveCountGreaterThanOrEqualTo(6);
        samples.RuleSet.Rules.Should().OnlyContain(r => r.Enabled);
        samples.RuleSet.Warnings.Should().BeEmpty("every .js file in Rules.Samples/rules is listed in rules.json");
        EnrichmentRules.Should().BeSubsetOf(samples.RuleSet.Rules.Select(r => r.Name));
    }

    [Fact]
    public void Every_transaction_file_has_a_well_formed_expectation()
    {
        var files = SampleRuleSet.TransactionPaths();
        files.Should().NotBeEmpty();
        var ruleNames = samples.RuleSet.Rules.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var expected = SampleRuleSet.ReadExpectation(path);
            var name = Path.GetFileName(path);
            if (expected.Decision == Decision.Deny)
            {
                ruleNames.Should().Contain(expected.Rule, $"{name} names its deciding rule by its rules.json name");
                expected.Error.Should().BeOneOf(["unauthorized", "access_denied"], name);
                name.Should().Contain("-deny-", "deny transactions say so in their file name");
            }
            else
            {
                expected.Rule.Should().BeNull(name);
                expected.Error.Should().BeNull(name);
                name.Should().Contain("-allow", "allow transactions say so in their file name");
            }
        }
    }

    [Fact]
    public void Every_policy_rule_decides_at_least_one_deny_transaction()
    {
        var deciding = SampleRuleSet.TransactionPaths()
            .Select(SampleRuleSet.ReadExpectation)
            .Where(e => e.Decision == Decision.Deny)
            .Select(e => e.Rule!)
            .ToHashSet(StringComparer.Ordinal);

        var policies = samples.RuleSet.Rules.Select(r => r.Name).Where(n => !EnrichmentRules.Contains(n)).ToArray();
        policies.Should().HaveCountGreaterThanOrEqualTo(5);
        policies.Should().OnlyContain(name => deciding.Contains(name), "each access-control rule needs a transaction it denies");
        deciding.Should().NotIntersectWith(EnrichmentRules, "enrichment rules never deny a sample login");
    }

    [Fact]
    public void Sample_denials_cover_both_error_codes()
    {
        var errors = SampleRuleSet.TransactionPaths()
            .Select(SampleRuleSet.ReadExpectation)
            .Where(e => e.Decision == Decision.Deny)
            .Select(e => e.Error)
            .ToHashSet();
        errors.Should().BeEquivalentTo(["unauthorized", "access_denied"]);
    }

    [Fact]
    public void Allowed_impersonated_logins_carry_the_impersonator_in_both_tokens()
    {
        var impersonatedAllows = samples.All()
            .Where(s => s.Transaction.IsImpersonated && s.Expected.Decision == Decision.Allow)
            .ToArray();
        impersonatedAllows.Should().NotBeEmpty();

        foreach (var sample in impersonatedAllows)
        {
            var because = $"{sample.File}\n{OutcomeJson.Serialize(sample.Outcome)}";
            var impersonator = sample.Transaction.User["impersonator"]!.AsObject();
            var email = impersonator["email"]!.GetValue<string>();
            var userId = impersonator["user_id"]!.GetValue<string>();

            sample.Outcome.Decision.Should().Be(Decision.Allow, because);
            ClaimString(sample.Outcome.IdToken, Namespace + "impersonator").Should().Be(email, because);
            ClaimBool(sample.Outcome.IdToken, Namespace + "impersonated").Should().BeTrue(because);
            ClaimString(sample.Outcome.AccessToken, Namespace + "impersonator").Should().Be(email, because);
            ClaimString(sample.Outcome.AccessToken, Namespace + "impersonator_id").Should().Be(userId, because);
            ClaimBool(sample.Outcome.AccessToken, Namespace + "impersonated").Should().BeTrue(because);

            var scopes = Scopes(sample.Outcome);
            scopes.Should().NotContain(s => s.StartsWith("delete:", StringComparison.Ordinal), because);
            scopes.Should().Contain("openid", because);

            sample.Outcome.MetadataUpdates.Should().BeEmpty("an impersonated login is not the user's visit\n" + because);
            sample.Outcome.DroppedClaims.Should().BeEmpty(because);
            sample.Outcome.User["impersonated"]!.GetValue<bool>().Should().BeTrue(because);
        }
    }

    [Fact]
    public void Impersonated_login_keeps_requested_scopes_except_destructive_ones()
    {
        var sample = samples.Run("impersonator-claims-allow-claims-and-scopes.json");
        Scopes(sample.Outcome).Should().Equal("openid", "profile", "email", "read:orders", "write:orders");
        sample.Outcome.Logs.Should().Contain(l => l.Contains("priya.shah@acme-support.example.com", StringComparison.Ordinal)
            && l.Contains("jordan.lee@gmail.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Ordinary_logins_get_roles_and_a_visit_count_but_no_impersonation_claims()
    {
        var ordinary = samples.All()
            .Where(s => !s.Transaction.IsImpersonated && s.Expected.Decision == Decision.Allow)
            .ToArray();
        ordinary.Should().NotBeEmpty();

        foreach (var sample in ordinary)
        {
            var because = $"{sample.File}\n{OutcomeJson.Serialize(sample.Outcome)}";
            var user = sample.Transaction.User;
            var roles = user["app_metadata"]?["roles"]?.AsArray().Select(r => r!.GetValue<string>()).ToArray() ?? [];
            var visitsBefore = user["app_metadata"]?["visits"] is JsonValue visits ? (double)visits : 0;

            sample.Outcome.IdToken[Namespace + "roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal(roles, because);
            sample.Outcome.AccessToken[Namespace + "roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal(roles, because);
            sample.Outcome.IdToken.ContainsKey(Namespace + "impersonator").Should().BeFalse(because);
            sample.Outcome.AccessToken.ContainsKey(Namespace + "impersonated").Should().BeFalse(because);

            var update = sample.Outcome.MetadataUpdates.Should().ContainSingle(because).Subject;
            update.Kind.Should().Be(MetadataKind.AppMetadata);
            update.UserId.Should().Be(user["user_id"]!.GetValue<string>());
            update.Rule.Should().Be("Add roles to tokens and count visits");
            ((double)update.Metadata["visits"]!).Should().Be(visitsBefore + 1, because);
            var lastVisit = DateTimeOffset.Parse(update.Metadata["last_visit"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            lastVisit.Should().Be(sample.Transaction.Now!.Value, "the transaction's now is the rules' clock\n" + because);
        }
    }

    [Fact]
    public void Business_hours_use_the_desk_offset_not_utc()
    {
        // 12:30 UTC on a Tuesday is inside 08:00-18:00 UTC, but 07:30 at the desk (UTC-05:00).
        samples.Run("business-hours-deny-before-open-desk-time.json").Outcome.Decision.Should().Be(Decision.Deny);
        // 22:59 UTC on a Friday is after 18:00 UTC, but 17:59 at the desk.
        samples.Run("business-hours-allow-late-afternoon-desk-time.json").Outcome.Decision.Should().Be(Decision.Allow);
    }

    private static string? ClaimString(JsonObject token, string claim) =>
        token[claim] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool? ClaimBool(JsonObject token, string claim) =>
        token[claim] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    private static string[] Scopes(Outcome outcome) =>
        outcome.AccessToken["scope"] is JsonArray scopes ? scopes.Select(s => s!.GetValue<string>()).ToArray() : [];

    public sealed record Expectation(Decision Decision, string? Rule, string? Error);

    public sealed record Sample(string File, LoginTransaction Transaction, Expectation Expected, Outcome Outcome);

    /// <summary>The sample rule set, loaded and compiled once for the class, and each transaction's outcome, run once.</summary>
    public sealed class SampleRuleSet : IDisposable
    {
        private readonly RulePipeline _pipeline;
        private readonly Dictionary<string, Sample> _results = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        public SampleRuleSet()
        {
            RuleSet = RuleSetDirectory.Load(Path.Combine(SamplesDirectory, "rules"));
            var compilation = RuleCompiler.Compile(RuleSet);
            if (!compilation.Succeeded)
            {
                throw new InvalidOperationException("Rules.Samples/rules does not compile:\n" + string.Join("\n", compilation.Errors.Select(e => e.Format())));
            }
            _pipeline = new RulePipeline(compilation.Compiled!);
        }

        public RuleSet RuleSet { get; }

        public static string SamplesDirectory { get; } = Path.Combine(FindRepositoryRoot(), "Rules.Samples");

        public static string[] TransactionPaths() =>
            Directory.GetFiles(Path.Combine(SamplesDirectory, "transactions"), "*.json")
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToArray();

        public Sample Run(string file)
        {
            lock (_gate)
            {
                if (_results.TryGetValue(file, out var cached))
                {
                    return cached;
                }
            }

            var path = Path.Combine(SamplesDirectory, "transactions", file);
            var transaction = TransactionJson.Parse(File.ReadAllText(path), file);
            var sample = new Sample(file, transaction, ReadExpectation(path), _pipeline.Execute(transaction));
            lock (_gate)
            {
                _results[file] = sample;
            }
            return sample;
        }

        public IEnumerable<Sample> All() => TransactionPaths().Select(p => Run(Path.GetFileName(p)));

        public static Expectation ReadExpectation(string path)
        {
            var name = Path.GetFileName(path);
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject()
                ?? throw new InvalidOperationException($"{name}: not a JSON object");
            if (root["expect"] is not JsonObject expect)
            {
                throw new InvalidOperationException($"{name}: needs \"expect\": {{ \"decision\": \"allow\"|\"deny\", \"rule\", \"error\" }}");
            }

            var decision = expect["decision"]?.GetValue<string>() switch
            {
                "allow" => Decision.Allow,
                "deny" => Decision.Deny,
                var other => throw new InvalidOperationException($"{name}: expect.decision must be \"allow\" or \"deny\", not '{other}'"),
            };
            return new Expectation(decision, expect["rule"]?.GetValue<string>(), expect["error"]?.GetValue<string>());
        }

        internal static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Rules.sln")))
                {
                    return directory.FullName;
                }
            }
            throw new InvalidOperationException($"no Rules.sln above {AppContext.BaseDirectory}: cannot find Rules.Samples");
        }

        public void Dispose() => _pipeline.Dispose();
    }
}

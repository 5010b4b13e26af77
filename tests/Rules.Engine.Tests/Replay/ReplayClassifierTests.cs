using System.Text.Json.Nodes;
using Rules.Engine.Replay;

namespace Rules.Engine.Tests.Replay;

public sealed class ReplayClassifierTests
{
    private static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    private const string Allow = """{ "decision": "allow", "idToken": { "a": 1 }, "accessToken": { "scope": ["read"] }, "metadataUpdates": [] }""";
    private const string Denied = """{ "decision": "deny", "rule": "r1", "error": "unauthorized", "error_description": "no", "kind": "rule_denied", "idToken": {}, "accessToken": {}, "metadataUpdates": [] }""";

    [Fact]
    public void Identical_outcomes_are_unchanged_whatever_their_timings_and_logs() =>
        ReplayClassifier.Classify(O(Allow), O("""{ "decision": "allow", "idToken": { "a": 1 }, "accessToken": { "scope": ["read"] }, "metadataUpdates": [], "logs": ["x"], "timings": { "totalMs": 9 } }"""))
            .Should().Be(ReplayClass.Unchanged);

    private const string Redirect = """{ "decision": "redirect", "rule": "terms", "url": "https://terms.example.com/", "idToken": {}, "accessToken": {}, "metadataUpdates": [] }""";

    [Fact]
    public void Redirect_to_or_from_allow_or_deny_is_a_decision_change()
    {
        ReplayClassifier.Classify(O(Allow), O(Redirect)).Should().Be(ReplayClass.RedirectChanged);
        ReplayClassifier.Classify(O(Redirect), O(Allow)).Should().Be(ReplayClass.RedirectChanged);
        ReplayClassifier.Classify(O(Denied), O(Redirect)).Should().Be(ReplayClass.RedirectChanged);
        ReplayClassifier.Classify(O(Redirect), O(Denied)).Should().Be(ReplayClass.RedirectChanged);
        ReplayClassifier.Classify(O(Redirect), O(Redirect.Replace("terms.example.com", "other.example.com"))).Should().Be(ReplayClass.RedirectChanged);
        ReplayClassifier.Classify(O(Redirect), O(Redirect)).Should().Be(ReplayClass.Unchanged);
        ReplayClassifier.Describe(O(Redirect)).Should().Be("redirect by 'terms' to https://terms.example.com/");
    }

    [Fact]
    public void Allow_to_deny() => ReplayClassifier.Classify(O(Allow), O(Denied)).Should().Be(ReplayClass.AllowToDeny);

    [Fact]
    public void Deny_to_allow() => ReplayClassifier.Classify(O(Denied), O(Allow)).Should().Be(ReplayClass.DenyToAllow);

    [Theory]
    [InlineData("rule", "\"r2\"")]
    [InlineData("error", "\"access_denied\"")]
    [InlineData("error_description", "\"another reason\"")]
    public void A_denial_by_another_rule_or_reason_is_deny_changed(string field, string value)
    {
        var after = O(Denied);
        after[field] = JsonNode.Parse(value);
        ReplayClassifier.Classify(O(Denied), after).Should().Be(ReplayClass.DenyChanged);
        ReplayClassifier.Diff(O(Denied), after).Should().ContainSingle(c => c.Path == field);
    }

    [Fact]
    public void Different_claims_or_scopes_are_claims_changed()
    {
        ReplayClassifier.Classify(O(Allow), O(Allow.Replace("\"a\": 1", "\"a\": 2"))).Should().Be(ReplayClass.ClaimsChanged);
        var scopes = O(Allow.Replace("[\"read\"]", "[\"read\", \"delete:users\"]"));
        ReplayClassifier.Classify(O(Allow), scopes).Should().Be(ReplayClass.ClaimsChanged);
        ReplayClassifier.Diff(O(Allow), scopes).Should().ContainSingle()
            .Which.Should().Be(new FieldChange("accessToken.scope", "[\"read\"]", "[\"read\",\"delete:users\"]"));
    }

    [Fact]
    public void Different_metadata_updates_are_metadata_changed() =>
        ReplayClassifier.Classify(O(Allow), O(Allow.Replace("\"metadataUpdates\": []", """ "metadataUpdates": [ { "kind": "app_metadata", "user_id": "u", "metadata": { "v": 1 }, "rule": "r" } ] """)))
            .Should().Be(ReplayClass.MetadataChanged);

    [Theory]
    [InlineData("rule_error")]
    [InlineData("timeout")]
    [InlineData("limit")]
    public void A_candidate_that_fails_where_the_baseline_did_not_is_newly_failing(string kind)
    {
        var failing = O(Denied.Replace("rule_denied", kind));
        ReplayClassifier.Classify(O(Allow), failing).Should().Be(ReplayClass.NewlyFailing);
        ReplayClassifier.Classify(O(Denied), failing).Should().Be(ReplayClass.NewlyFailing);
        ReplayClassifier.Classify(failing, failing).Should().Be(ReplayClass.Unchanged);
    }

    [Fact]
    public void Class_names_are_stable_and_parse_back()
    {
        ReplayClasses.All.Select(c => c.Name()).Should().Equal("unchanged", "allow_to_deny", "deny_to_allow", "deny_changed", "mfa_changed", "claims_changed", "metadata_changed", "newly_failing", "redirect_changed");
        ReplayClasses.TryParse("allow-to-deny", out var parsed).Should().BeTrue();
        parsed.Should().Be(ReplayClass.AllowToDeny);
    }
}

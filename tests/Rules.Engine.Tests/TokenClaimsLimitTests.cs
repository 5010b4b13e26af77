using Rules.Engine.Pipeline;
using Rules.Engine.Sandbox;

namespace Rules.Engine.Tests;

/// <summary>SandboxOptions.MaxTokenClaimsBytes: each token's custom claims, as compact UTF-8 JSON, fit the cap or the login is denied.</summary>
public class TokenClaimsLimitTests
{
    private static readonly SandboxOptions Capped = SandboxOptions.Default with { MaxTokenClaimsBytes = 100 };

    // {"https://x/c":"…"} is the claim's value plus 18 bytes.
    private static string SetClaim(string token, int valueLength) =>
        $"function (user, context, callback) {{ context.{token}['https://x/c'] = 'v'.repeat({valueLength}); callback(null, user, context); }}";

    [Theory]
    [InlineData("idToken")]
    [InlineData("accessToken")]
    public void Claims_just_under_the_cap_pass(string token)
    {
        using var pipeline = PipelineFactory.Create(Capped, SetClaim(token, 100 - 18));
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, outcome.Failure?.ToString());
        (token == "idToken" ? outcome.IdToken : outcome.AccessToken).ToJsonString().Length.Should().Be(100);
    }

    [Theory]
    [InlineData("idToken", "ID token")]
    [InlineData("accessToken", "access token")]
    public void Claims_one_byte_over_the_cap_are_denied_as_a_limit_that_names_the_claim(string token, string tokenName)
    {
        using var pipeline = PipelineFactory.Create(Capped,
            $"function (user, context, callback) {{ context.{token}.a = 1; context.{token}['https://x/c'] = 'v'.repeat({101 - 24}); callback(null, user, context); }}");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Deny);
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Limit.Should().Be("MaxTokenClaimsBytes");
        outcome.Rule.Should().Be("rule1", "the denial names the last rule that ran, as every denial names a rule");
        outcome.Failure.Message.Should().Contain("'https://x/c'").And.Contain(tokenName).And.Contain("101 bytes");
        outcome.ErrorDescription.Should().Contain("'https://x/c'");
        outcome.IdToken.Should().BeEmpty("oversized claims are not carried into the outcome or the decision log");
        outcome.AccessToken.Should().BeEmpty();
    }

    [Fact]
    public void The_default_cap_is_a_few_kilobytes_and_refuses_a_five_megabyte_claim()
    {
        SandboxOptions.Default.MaxTokenClaimsBytes.Should().BeInRange(2 * 1024, 16 * 1024);
        using var pipeline = PipelineFactory.Create(
            "function (user, context, callback) { context.idToken['https://x/blob'] = 'x'.repeat(5 * 1024 * 1024); callback(null, user, context); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.Limit);
        outcome.Failure!.Message.Should().Contain("'https://x/blob'");
        DenialDescriptions.ForApplication(outcome).Should().Be(DenialDescriptions.Generic);
    }

    [Fact]
    public void Non_ascii_claims_count_their_utf8_bytes()
    {
        // 'é' is two bytes in UTF-8 (and one UTF-16 char): 42 of them are 84 bytes of value, 102 in all.
        using var pipeline = PipelineFactory.Create(Capped,
            "function (user, context, callback) { context.idToken['https://x/c'] = 'é'.repeat(42); callback(null, user, context); }");
        pipeline.Execute(PipelineFactory.Login()).Kind.Should().Be(DenialKind.Limit);
    }

    [Fact]
    public void A_rule_s_own_denial_stands_even_with_oversized_claims()
    {
        using var pipeline = PipelineFactory.Create(Capped,
            "function (user, context, callback) { context.idToken['https://x/c'] = 'v'.repeat(500); callback(new UnauthorizedError('no')); }");
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Kind.Should().Be(DenialKind.RuleDenied);
        outcome.ErrorDescription.Should().Be("no");
    }

    [Fact]
    public void A_cap_that_would_switch_itself_off_is_refused()
    {
        var act = () => (SandboxOptions.Default with { MaxTokenClaimsBytes = 0 }).Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*MaxTokenClaimsBytes must be positive*");
    }
}

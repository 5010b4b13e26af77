using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public void Allow_passes_claims_through()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              context.idToken['https://example.com/email'] = user.email;
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/email"]!.GetValue<string>().Should().Be("alice@example.com");
    }
}

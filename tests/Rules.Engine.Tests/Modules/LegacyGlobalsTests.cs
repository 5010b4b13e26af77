using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests.Modules;

/// <summary>Rules written for Auth0's older runtime use request, jwt and uuid without require: they are the same modules.</summary>
public sealed class LegacyGlobalsTests
{
    [Fact]
    public void Request_and_jwt_are_the_modules_require_gives()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              var same = request === require('request') && jwt === require('jsonwebtoken');
              var token = jwt.sign({ sub: user.user_id }, 'a-secret-of-enough-length-for-hs256!!', { noTimestamp: true });
              context.idToken['https://example.com/legacy'] = { same: same, sub: jwt.decode(token).sub };
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/legacy"]!.ToJsonString().Should().Be("""{"same":true,"sub":"auth0|alice"}""");
    }

    [Fact]
    public void Uuid_is_the_module_require_gives()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              var id = uuid.v4();
              context.idToken['https://example.com/legacy'] = { same: uuid === require('uuid'), valid: uuid.validate(id), version: uuid.version(id) };
              callback(null, user, context);
            }
            """);

        var outcome = pipeline.Execute(PipelineFactory.Login());

        outcome.Decision.Should().Be(Decision.Allow, OutcomeJson.Serialize(outcome));
        outcome.IdToken["https://example.com/legacy"]!.ToJsonString().Should().Be("""{"same":true,"valid":true,"version":4}""");
    }
}

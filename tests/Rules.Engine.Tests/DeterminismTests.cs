using Rules.Engine.Pipeline;

namespace Rules.Engine.Tests;

/// <summary>Seeded Math.random and a fresh global: what makes a replayed login evaluate the same way every time.</summary>
public sealed class DeterminismTests
{
    private const string RecordRandoms = """
        function (user, context, callback) {
          context.idToken['https://x/r'] = [Math.random(), Math.random(), Math.random()].join(',');
          callback(null, user, context);
        }
        """;

    private static string Randoms(RulePipeline pipeline, ExecutionOptions? options) =>
        pipeline.Execute(PipelineFactory.Login(), options).IdToken["https://x/r"]!.GetValue<string>();

    [Fact]
    public void The_same_seed_gives_the_same_sequence()
    {
        using var pipeline = PipelineFactory.Create(RecordRandoms);
        var first = Randoms(pipeline, new ExecutionOptions { RandomSeed = 42 });
        var second = Randoms(pipeline, new ExecutionOptions { RandomSeed = 42 });
        second.Should().Be(first);
        first.Split(',').Select(double.Parse).Should().OnlyContain(v => v >= 0 && v < 1);
    }

    [Fact]
    public void Different_seeds_give_different_sequences()
    {
        using var pipeline = PipelineFactory.Create(RecordRandoms);
        Randoms(pipeline, new ExecutionOptions { RandomSeed = 1 }).Should().NotBe(Randoms(pipeline, new ExecutionOptions { RandomSeed = 2 }));
    }

    [Fact]
    public void Without_a_seed_values_vary()
    {
        using var pipeline = PipelineFactory.Create(RecordRandoms);
        Randoms(pipeline, null).Should().NotBe(Randoms(pipeline, null));
    }

    [Fact]
    public void Math_random_is_still_frozen_and_named_random()
    {
        using var pipeline = PipelineFactory.Create("""
            function (user, context, callback) {
              'use strict';
              try { Math.random = () => 0.5; } catch (e) { context.idToken['https://x/e'] = e.name; }
              context.idToken['https://x/n'] = Math.random.name;
              callback(null, user, context);
            }
            """);
        var outcome = pipeline.Execute(PipelineFactory.Login());
        outcome.IdToken["https://x/e"]!.GetValue<string>().Should().Be("TypeError");
        outcome.IdToken["https://x/n"]!.GetValue<string>().Should().Be("random");
    }

    private const string CountInGlobal = """
        function (user, context, callback) {
          global.count = (global.count || 0) + 1;
          context.idToken['https://x/count'] = global.count;
          callback(null, user, context);
        }
        """;

    [Fact]
    public void A_fresh_global_is_empty_on_every_login_and_the_shared_cache_survives()
    {
        using var pipeline = PipelineFactory.Create(CountInGlobal);
        double Count(ExecutionOptions? o) => pipeline.Execute(PipelineFactory.Login(), o).IdToken["https://x/count"]!.GetValue<double>();

        Count(null).Should().Be(1);
        Count(null).Should().Be(2);
        Count(new ExecutionOptions { FreshGlobal = true }).Should().Be(1);
        Count(new ExecutionOptions { FreshGlobal = true }).Should().Be(1);
        Count(null).Should().Be(3, "a replayed login leaves the live cache alone");
    }
}

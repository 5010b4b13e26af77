using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;

namespace Rules.Host.Tests.RuleSets;

public sealed class RuleSetDirectoryTests : IDisposable
{
    private const string AllowRule = """
        function (user, context, callback) {
          callback(null, user, context);
        }
        """;

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static LoginTransaction Login() =>
        new(JsonNode.Parse("""{ "user_id": "auth0|alice", "email": "alice@example.com" }""")!.AsObject(),
            JsonNode.Parse("""{ "clientID": "app1", "clientName": "App One" }""")!.AsObject());

    private static CompiledRuleSet Compile(RuleSet ruleSet)
    {
        var compilation = RuleCompiler.Compile(ruleSet);
        compilation.Succeeded.Should().BeTrue(string.Join("\n", compilation.Errors.Select(e => e.Format())));
        return compilation.Compiled!;
    }

    [Fact]
    public void Without_a_manifest_every_js_file_runs_in_file_name_order_named_by_file()
    {
        _dir.Write("b-second.js", AllowRule);
        _dir.Write("10-first.js", AllowRule);
        _dir.Write("a-middle.js", AllowRule);
        _dir.Write("B-upper.js", AllowRule);
        _dir.Write("notes.txt", "not a rule");

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);

        ruleSet.Rules.Select(r => r.Name).Should().Equal("10-first", "B-upper", "a-middle", "b-second");
        ruleSet.Rules.Select(r => r.File).Should().Equal(
            Path.Combine(_dir.Rules, "10-first.js"), Path.Combine(_dir.Rules, "B-upper.js"),
            Path.Combine(_dir.Rules, "a-middle.js"), Path.Combine(_dir.Rules, "b-second.js"));
        ruleSet.Rules.Should().OnlyContain(r => r.Enabled && r.Script == AllowRule);
        ruleSet.Configuration.Should().BeEmpty();
        ruleSet.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Without_a_manifest_the_order_is_the_order_rules_run_in()
    {
        _dir.Write("2-second.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/order'] = (context.idToken['https://example.com/order'] || '') + '2';
              callback(null, user, context);
            }
            """);
        _dir.Write("1-first.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/order'] = (context.idToken['https://example.com/order'] || '') + '1';
              callback(null, user, context);
            }
            """);

        using var pipeline = new RulePipeline(Compile(RuleSetDirectory.Load(_dir.Rules)));
        var outcome = pipeline.Execute(Login());

        outcome.IsAllowed.Should().BeTrue();
        outcome.IdToken["https://example.com/order"]!.GetValue<string>().Should().Be("12");
    }

    [Fact]
    public void The_manifest_sets_order_names_and_enabled()
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("b.js", AllowRule);
        _dir.Write("c.js", AllowRule);
        _dir.Write("rules.json", """
            {
              // comments and trailing commas are accepted
              "rules": [
                { "file": "c.js", "name": "Runs first" },
                { "file": "a.js", "enabled": false },
                { "file": "b.js", "name": "Runs second", "enabled": true },
              ],
            }
            """);

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);

        ruleSet.Rules.Select(r => (r.Name, Path.GetFileName(r.File), r.Enabled)).Should().Equal(
            ("Runs first", "c.js", true),
            ("a", "a.js", false),
            ("Runs second", "b.js", true));
        ruleSet.Warnings.Should().BeEmpty();

        var compiled = Compile(ruleSet);
        compiled.Rules.Select(r => r.Name).Should().Equal("Runs first", "a", "Runs second");
        compiled.Enabled.Select(r => r.Name).Should().Equal("Runs first", "Runs second");
    }

    [Fact]
    public void A_disabled_rule_does_not_run()
    {
        _dir.Write("deny.js", """
            function (user, context, callback) {
              callback(new UnauthorizedError('should not run'));
            }
            """);
        _dir.Write("allow.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "deny.js", "enabled": false }, { "file": "allow.js" } ] }""");

        using var pipeline = new RulePipeline(Compile(RuleSetDirectory.Load(_dir.Rules)));

        pipeline.Execute(Login()).IsAllowed.Should().BeTrue();
    }

    [Fact]
    public void Configuration_strings_are_visible_to_rules_and_cannot_be_changed_by_them()
    {
        _dir.Write("tamper.js", """
            function (user, context, callback) {
              'use strict';
              const attempts = [];
              try { configuration.API_KEY = 'hacked'; attempts.push('assign'); } catch (e) { attempts.push('assign threw'); }
              try { configuration.NEW_KEY = 'added'; attempts.push('add'); } catch (e) { attempts.push('add threw'); }
              try { delete configuration.REGION; attempts.push('delete'); } catch (e) { attempts.push('delete threw'); }
              try { configuration = { API_KEY: 'replaced' }; attempts.push('replace'); } catch (e) { attempts.push('replace threw'); }
              context.idToken['https://example.com/attempts'] = attempts;
              context.idToken['https://example.com/seen-by-tamperer'] = configuration.API_KEY;
              callback(null, user, context);
            }
            """);
        _dir.Write("sloppy.js", """
            function (user, context, callback) {
              configuration.API_KEY = 'hacked again';
              delete configuration.REGION;
              callback(null, user, context);
            }
            """);
        _dir.Write("reader.js", """
            function (user, context, callback) {
              context.idToken['https://example.com/api-key'] = configuration.API_KEY;
              context.idToken['https://example.com/region'] = configuration.REGION;
              context.idToken['https://example.com/new-key'] = String(configuration.NEW_KEY);
              context.idToken['https://example.com/keys'] = Object.keys(configuration).sort();
              callback(null, user, context);
            }
            """);
        _dir.Write("rules.json", """
            {
              "rules": [ { "file": "tamper.js" }, { "file": "sloppy.js" }, { "file": "reader.js" } ],
              "configuration": { "API_KEY": "s3cret", "REGION": "eu" }
            }
            """);

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);
        ruleSet.Configuration.Should().BeEquivalentTo(new Dictionary<string, string> { ["API_KEY"] = "s3cret", ["REGION"] = "eu" });

        using var pipeline = new RulePipeline(Compile(ruleSet));
        var outcome = pipeline.Execute(Login());

        outcome.IsAllowed.Should().BeTrue(outcome.Failure?.ToString());
        var claims = outcome.IdToken;
        claims["https://example.com/attempts"]!.AsArray().Select(n => n!.GetValue<string>())
            .Should().Equal("assign threw", "add threw", "delete threw", "replace threw");
        claims["https://example.com/seen-by-tamperer"]!.GetValue<string>().Should().Be("s3cret");
        claims["https://example.com/api-key"]!.GetValue<string>().Should().Be("s3cret");
        claims["https://example.com/region"]!.GetValue<string>().Should().Be("eu");
        claims["https://example.com/new-key"]!.GetValue<string>().Should().Be("undefined");
        claims["https://example.com/keys"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("API_KEY", "REGION");

        // And a second login on the same (warm, pooled) runtime still sees the original values.
        var again = pipeline.Execute(Login());
        again.IdToken["https://example.com/api-key"]!.GetValue<string>().Should().Be("s3cret");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{ \"nested\": \"x\" }")]
    [InlineData("[\"a\"]")]
    public void A_configuration_value_that_is_not_a_string_is_rejected(string value)
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("rules.json", $$"""{ "rules": [ { "file": "a.js" } ], "configuration": { "GOOD": "x", "PORT": {{value}} } }""");

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("PORT").And.Contain("string");
    }

    [Theory]
    [InlineData("../outside.js")]
    [InlineData("sub/../../outside.js")]
    [InlineData("../rules-sibling/evil.js")]
    public void A_manifest_file_outside_the_rules_directory_is_rejected(string file)
    {
        _dir.Write("a.js", AllowRule);
        _dir.WriteOutside("outside.js", AllowRule);
        _dir.WriteOutside(Path.Combine("rules-sibling", "evil.js"), AllowRule);
        _dir.Write("rules.json", $$"""{ "rules": [ { "file": "a.js" }, { "file": "{{file}}" } ] }""");

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("outside the rules directory").And.Contain(file);
    }

    [Fact]
    public void A_manifest_file_given_as_an_absolute_path_outside_the_directory_is_rejected()
    {
        var outside = _dir.WriteOutside("outside.js", AllowRule);
        _dir.Write("rules.json", new JsonObject { ["rules"] = new JsonArray(new JsonObject { ["file"] = outside }) }.ToJsonString());

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("outside the rules directory");
    }

    [Fact]
    public void A_manifest_file_in_a_subdirectory_is_allowed()
    {
        _dir.Write(Path.Combine("shared", "a.js"), AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "shared/a.js" } ] }""");

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);

        ruleSet.Rules.Should().ContainSingle().Which.Name.Should().Be("a");
    }

    [Fact]
    public void A_directory_with_a_trailing_separator_loads_its_manifest()
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js", "name": "only" } ] }""");

        var ruleSet = RuleSetDirectory.Load(_dir.Rules + Path.DirectorySeparatorChar);

        ruleSet.Rules.Should().ContainSingle().Which.Name.Should().Be("only");
        ruleSet.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Duplicate_rule_names_are_rejected()
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("b.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js", "name": "same" }, { "file": "b.js", "name": "same" } ] }""");

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("'same'");
    }

    [Fact]
    public void Listing_the_same_file_twice_without_names_is_a_duplicate()
    {
        _dir.Write("a.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js" }, { "file": "a.js" } ] }""");

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("'a'");
    }

    [Fact]
    public void Js_files_not_listed_in_the_manifest_are_warnings()
    {
        _dir.Write("listed.js", AllowRule);
        var stray = _dir.Write("stray.js", AllowRule);
        _dir.Write("also-listed.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "listed.js" }, { "file": "./also-listed.js" } ] }""");

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);

        ruleSet.Rules.Select(r => r.Name).Should().Equal("listed", "also-listed");
        ruleSet.Warnings.Should().ContainSingle().Which.Should().Contain(stray).And.Contain("rules.json");
    }

    [Fact]
    public void A_missing_directory_is_a_RuleSetException()
    {
        var load = () => RuleSetDirectory.Load(Path.Combine(_dir.Root, "missing"));

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("does not exist");
    }

    [Fact]
    public void An_empty_directory_is_a_RuleSetException_mentioning_rules_json()
    {
        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("rules.json");
    }

    [Fact]
    public void An_explicitly_empty_manifest_is_an_empty_rule_set()
    {
        _dir.Write("rules.json", """{"rules": []}""");

        var ruleSet = RuleSetDirectory.Load(_dir.Rules);

        ruleSet.Rules.Should().BeEmpty();
        using var pipeline = new RulePipeline(Compile(ruleSet));
        pipeline.Execute(Login()).IsAllowed.Should().BeTrue();
    }

    [Theory]
    [InlineData("""[]""", "expected a JSON object")]
    [InlineData("""{ "rules": {} }""", "\"rules\" must be an array")]
    [InlineData("""{ "rules": [ "a.js" ] }""", "rules[0] must be an object")]
    [InlineData("""{ "rules": [ { "name": "x" } ] }""", "needs a \"file\"")]
    [InlineData("""{ "rules": [ { "file": "a.js", "name": "" } ] }""", "\"name\" must be a non-empty string")]
    [InlineData("""{ "rules": [ { "file": "a.js", "enabled": "yes" } ] }""", "\"enabled\" must be true or false")]
    [InlineData("""{ "rules": [], "configuration": [] }""", "\"configuration\" must be an object")]
    public void Manifest_shape_errors_are_RuleSetExceptions_naming_the_manifest(string manifest, string expected)
    {
        _dir.Write("a.js", AllowRule);
        var path = _dir.Write("rules.json", manifest);

        var load = () => RuleSetDirectory.Load(_dir.Rules);

        load.Should().Throw<RuleSetException>().Which.Message.Should().StartWith(path).And.Contain(expected);
    }

    [Fact]
    public void Version_is_stable_and_changes_only_when_something_that_decides_changes()
    {
        _dir.Write("a.js", AllowRule);
        var b = _dir.Write("b.js", AllowRule);
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js" }, { "file": "b.js" } ], "configuration": { "K": "v" } }""");

        var original = RuleSetDirectory.Load(_dir.Rules).Version;
        original.Should().MatchRegex("^[0-9a-f]{12}$");
        RuleSetDirectory.Load(_dir.Rules).Version.Should().Be(original, "loading the same files twice gives the same version");

        File.WriteAllText(b, AllowRule.Replace("callback(null", "callback( null", StringComparison.Ordinal));
        var edited = RuleSetDirectory.Load(_dir.Rules).Version;
        edited.Should().NotBe(original, "one script changed");

        File.WriteAllText(b, AllowRule);
        RuleSetDirectory.Load(_dir.Rules).Version.Should().Be(original, "the script is back as it was");

        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js" }, { "file": "b.js", "enabled": false } ], "configuration": { "K": "v" } }""");
        RuleSetDirectory.Load(_dir.Rules).Version.Should().NotBe(original, "a rule was disabled");

        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js" }, { "file": "b.js" } ], "configuration": { "K": "w" } }""");
        RuleSetDirectory.Load(_dir.Rules).Version.Should().NotBe(original, "configuration changed");

        _dir.Write("rules.json", """{ "rules": [ { "file": "b.js" }, { "file": "a.js" } ], "configuration": { "K": "v" } }""");
        RuleSetDirectory.Load(_dir.Rules).Version.Should().NotBe(original, "the order changed");

        _dir.Write("rules.json", """
            {
              "configuration": { "K": "v" },
              "rules": [ { "file": "a.js", "enabled": true }, { "file": "b.js" } ]
            }
            """);
        RuleSetDirectory.Load(_dir.Rules).Version.Should().Be(original, "the manifest was only reformatted");
    }

    [Fact]
    public void Version_does_not_depend_on_where_the_directory_is()
    {
        _dir.Write("a.js", AllowRule);
        using var other = new TempRulesDirectory();
        other.Write("a.js", AllowRule);

        RuleSetDirectory.Load(_dir.Rules).Version.Should().Be(RuleSetDirectory.Load(other.Rules).Version);
    }
}

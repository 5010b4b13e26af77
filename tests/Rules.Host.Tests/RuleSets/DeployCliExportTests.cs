using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.RuleSets;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.RuleSets;

/// <summary>Auth0 Deploy CLI exports, in its directory and YAML formats, read as rule sets.</summary>
public sealed class DeployCliExportTests : IDisposable
{
    private static readonly string Export = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "auth0-export");

    private readonly TempRulesDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Allow = "function (user, context, callback) { callback(null, user, context); }";

    [Theory]
    [InlineData("directory", RuleSetLayout.DeployCliDirectory)]
    [InlineData("yaml", RuleSetLayout.DeployCliYaml)]
    public void The_sample_export_is_detected_and_read_in_auth0s_order(string layout, RuleSetLayout expected)
    {
        var path = Path.Combine(Export, layout);

        RuleSetDirectory.DetectLayout(path).Should().Be(expected);
        var ruleSet = RuleSetDirectory.Load(path);

        ruleSet.Rules.Select(r => (r.Name, r.Enabled)).Should().Equal(
            ("Geo-block embargoed countries", false),
            ("Only support agents may impersonate", true),
            ("Force email verification", true),
            ("Mark impersonated sessions in the tokens", true));
        ruleSet.Configuration.Should().ContainKey("SUPPORT_AGENTS");
        ruleSet.Rules[1].File.Should().EndWith(Path.Combine("rules", "Only support agents may impersonate.js"));
    }

    [Fact]
    public void Both_layouts_of_one_export_give_the_same_rule_set_version()
    {
        RuleSetDirectory.Load(Path.Combine(Export, "directory")).Version
            .Should().Be(RuleSetDirectory.Load(Path.Combine(Export, "yaml", "tenant.yaml")).Version);
    }

    [Fact]
    public void A_disabled_rule_in_an_export_does_not_run()
    {
        var compiled = RuleCompiler.Compile(RuleSetDirectory.Load(Path.Combine(Export, "directory"))).Compiled!;
        compiled.Enabled.Select(r => r.Name).Should().NotContain("Geo-block embargoed countries").And.HaveCount(3);
    }

    [Fact]
    public void Order_beats_file_names_and_rules_without_order_come_last_by_name()
    {
        _dir.WriteOutside("export/rules/a.js", Allow);
        _dir.WriteOutside("export/rules/a.json", """{ "name": "A", "script": "./a.js", "order": 5 }""");
        _dir.WriteOutside("export/rules/b.js", Allow);
        _dir.WriteOutside("export/rules/b.json", """{ "name": "B", "script": "./b.js", "order": 1 }""");
        _dir.WriteOutside("export/rules/c.js", Allow);
        _dir.WriteOutside("export/rules/c.json", """{ "name": "C", "script": "./c.js" }""");
        _dir.WriteOutside("export/rules/plain.js", Allow);

        var ruleSet = RuleSetDirectory.Load(Path.Combine(_dir.Root, "export"));

        ruleSet.Rules.Select(r => r.Name).Should().Equal("B", "A", "C", "plain");
    }

    [Fact]
    public void An_exports_rules_folder_given_directly_is_read_the_same_way()
    {
        _dir.Write("a.js", Allow);
        _dir.Write("a.json", """{ "name": "Second", "script": "./a.js", "order": 2 }""");
        _dir.Write("b.js", Allow);
        _dir.Write("b.json", """{ "name": "First", "script": "./b.js", "order": 1, "enabled": false }""");

        RuleSetDirectory.DetectLayout(_dir.Rules).Should().Be(RuleSetLayout.DeployCliDirectory);
        RuleSetDirectory.Load(_dir.Rules).Rules.Select(r => (r.Name, r.Enabled)).Should().Equal(("First", false), ("Second", true));
    }

    [Fact]
    public void Rules_of_other_stages_are_left_out_with_a_warning()
    {
        _dir.WriteOutside("export/rules/a.js", Allow);
        _dir.WriteOutside("export/rules/a.json", """{ "name": "A", "script": "./a.js" }""");
        _dir.WriteOutside("export/rules/f.js", Allow);
        _dir.WriteOutside("export/rules/f.json", """{ "name": "F", "script": "./f.js", "stage": "login_failure" }""");

        var ruleSet = RuleSetDirectory.Load(Path.Combine(_dir.Root, "export"));

        ruleSet.Rules.Select(r => r.Name).Should().Equal("A");
        ruleSet.Warnings.Should().ContainSingle(w => w.Contains("stage 'login_failure' is not run by this host"));
    }

    [Fact]
    public void Keyword_placeholders_are_warned_about()
    {
        _dir.WriteOutside("export/rules/a.js", "function (user, context, callback) { var url = '##API_URL##'; callback(null, user, context); }");

        RuleSetDirectory.Load(Path.Combine(_dir.Root, "export")).Warnings
            .Should().ContainSingle(w => w.Contains("##API_URL##") && w.Contains("does not replace"));
    }

    [Theory]
    [InlineData("rules/a.json", """{ "name": "A", "script": "./missing.js" }""", "script './missing.js' does not exist")]
    [InlineData("rules/a.json", """{ "name": "A", "script": "../../outside.js" }""", "is outside the export")]
    [InlineData("rules/a.json", """{ "name": "A", "order": "first" }""", "\"order\" must be a number")]
    [InlineData("rules/a.json", """{ "name": "A", "enabled": "yes" }""", "\"enabled\" must be true or false")]
    [InlineData("rules/a.json", """{ "name": """, "not valid JSON")]
    [InlineData("rules-configs/KEY.json", """{ "key": "KEY" }""", "\"value\" must be a string (a0deploy does not export configuration values")]
    public void Malformed_directory_exports_are_bad_input_naming_the_file(string file, string content, string message)
    {
        _dir.WriteOutside("export/rules/a.js", Allow);
        _dir.WriteOutside("outside.js", Allow);
        var path = _dir.WriteOutside(Path.Combine("export", file), content);

        var load = () => RuleSetDirectory.Load(Path.Combine(_dir.Root, "export"));

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain(message).And.Contain(Path.GetFileName(path));
    }

    [Fact]
    public void An_export_with_no_rules_is_refused_as_a_likely_wrong_path()
    {
        _dir.WriteOutside("export/rules-configs/K.json", """{ "key": "K", "value": "v" }""");
        var load = () => RuleSetDirectory.Load(Path.Combine(_dir.Root, "export"));
        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain("no login rules found");
    }

    [Fact]
    public void A_yaml_export_reads_scripts_relative_to_the_yaml_file_and_its_rules_configs()
    {
        _dir.WriteOutside("y/rules/a.js", "function (user, context, callback) { context.idToken['https://t/k'] = configuration.K; callback(null, user, context); }");
        var yaml = _dir.WriteOutside("y/tenant.yaml", """
            rules:
              - name: A
                script: ./rules/a.js
                enabled: true
                order: 1
            rulesConfigs:
              - key: K
                value: from-yaml
            """);

        using var pipeline = new RulePipeline(RuleCompiler.Compile(RuleSetDirectory.Load(yaml)).Compiled!);
        var outcome = pipeline.Execute(new LoginTransaction(new() { ["user_id"] = "auth0|1" }, []));

        outcome.IdToken["https://t/k"]!.GetValue<string>().Should().Be("from-yaml");
    }

    [Fact]
    public void An_empty_rules_list_in_yaml_is_an_explicit_empty_set()
    {
        var yaml = _dir.WriteOutside("y/tenant.yaml", "rules: []\nrulesConfigs: []\n");
        RuleSetDirectory.Load(yaml).Rules.Should().BeEmpty();
    }

    [Theory]
    [InlineData("rules:\n  - name: A\n    script: ./rules/missing.js\n", "tenant.yaml:2: rules[0]: script './rules/missing.js' does not exist")]
    [InlineData("rules:\n  - script: ./rules/a.js\n", "tenant.yaml:2: rules[0]: \"name\" is required")]
    [InlineData("rules:\n  - name: A\n    script: ./rules/a.js\n    enabled: maybe\n", "\"enabled\" must be true or false, not 'maybe'")]
    [InlineData("rules:\n  - name: A\n    script: ./rules/a.js\nrulesConfigs:\n  - key: K\n", "tenant.yaml:5: rulesConfigs[0]: \"value\" is required")]
    [InlineData("rules: [\n", "not valid YAML")]
    [InlineData("tenant:\n  friendly_name: x\n", "no \"rules:\" list")]
    [InlineData("rules: nope\n", "\"rules\" must be a list")]
    public void Malformed_yaml_exports_are_bad_input_with_the_line(string yaml, string message)
    {
        _dir.WriteOutside("y/rules/a.js", Allow);
        var path = _dir.WriteOutside("y/tenant.yaml", yaml);

        var load = () => RuleSetDirectory.Load(path);

        load.Should().Throw<RuleSetException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Our_rules_json_wins_over_anything_that_looks_like_an_export()
    {
        _dir.Write("a.js", Allow);
        _dir.Write("a.json", """{ "name": "Exported name" }""");
        _dir.Write("rules.json", """{ "rules": [ { "file": "a.js", "name": "Ours" } ] }""");

        RuleSetDirectory.DetectLayout(_dir.Rules).Should().Be(RuleSetLayout.Manifest);
        RuleSetDirectory.Load(_dir.Rules).Rules.Single().Name.Should().Be("Ours");
    }

    [Fact]
    public void A_compile_error_in_an_exported_rule_points_at_the_exported_file()
    {
        _dir.WriteOutside("export/rules/broken.js", "function (user, context, callback) {\n  var x = ;\n}");
        _dir.WriteOutside("export/rules/broken.json", """{ "name": "Broken", "script": "./broken.js" }""");

        var compilation = RuleCompiler.Compile(RuleSetDirectory.Load(Path.Combine(_dir.Root, "export")));

        compilation.Errors.Single().Format().Should().StartWith(Path.Combine(_dir.Root, "export", "rules", "broken.js") + ":2:11: error:");
    }
}

namespace Rules.Engine.RuleSets;

/// <summary>The on-disk shapes <see cref="RuleSetDirectory.Load"/> reads, told apart by the files present.</summary>
public enum RuleSetLayout
{
    /// <summary>Ours: <c>*.js</c> run in file-name order.</summary>
    FileNames,

    /// <summary>Ours: <c>rules.json</c> lists files, names, enabled flags and configuration.</summary>
    Manifest,

    /// <summary>Auth0 Deploy CLI directory export: <c>rules/NAME.js</c> + <c>rules/NAME.json</c>, <c>rules-configs/KEY.json</c>.</summary>
    DeployCliDirectory,

    /// <summary>Auth0 Deploy CLI YAML export: <c>tenant.yaml</c> with <c>rules:</c> and <c>rulesConfigs:</c>.</summary>
    DeployCliYaml,
}

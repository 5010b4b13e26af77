namespace Rules.Engine.Compilation;

/// <summary>The two ways a file in a rule set can be written; both run in one ordered pipeline.</summary>
public enum RuleKind
{
    /// <summary>An Auth0 rule: one <c>function (user, context, callback)</c>.</summary>
    Rule,

    /// <summary>An Auth0 Actions-style module: <c>exports.onExecutePostLogin = async (event, api) => { ... }</c>.</summary>
    Action,
}

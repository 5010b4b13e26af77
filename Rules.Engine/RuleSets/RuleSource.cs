namespace Rules.Engine.RuleSets;

/// <summary>One rule as its author wrote it. <paramref name="File"/> is what errors point at.</summary>
public sealed record RuleSource(string Name, string File, string Script, bool Enabled = true);

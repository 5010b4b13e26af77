namespace Rules.Engine.RuleSets;

/// <summary>One rule as a Deploy CLI export describes it, before the set is ordered. <paramref name="Where"/> names the entry in errors.</summary>
internal sealed record Auth0ExportRule(string Name, string File, string Script, double? Order, bool Enabled, string Stage, string Where);

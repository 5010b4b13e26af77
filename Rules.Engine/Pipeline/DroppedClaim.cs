namespace Rules.Engine.Pipeline;

/// <summary>A claim a rule tried to set that the pipeline refused (reserved names cannot be set by rules).</summary>
public sealed record DroppedClaim(string Token, string Claim, string Reason);

using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

internal sealed record Denial(DenialKind Kind, string Rule, string Error, string Description, RuleFailure? Failure);

using Microsoft.Extensions.Options;
using Rules.Engine.Http;
using Rules.Engine.Sandbox;

namespace Rules.Engine.DependencyInjection;

/// <summary>Fails the start when a sandbox limit cannot be enforced as configured, naming the setting to fix.</summary>
internal sealed class SandboxOptionsValidation(string section) : IValidateOptions<SandboxOptions>
{
    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"{section}:{e.ParamName}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}

/// <summary>Fails the start on an egress entry that does not parse, instead of failing every login that calls out.</summary>
internal sealed class EgressOptionsValidation(string section) : IValidateOptions<EgressOptions>
{
    public ValidateOptionsResult Validate(string? name, EgressOptions options)
    {
        try
        {
            EgressPolicy.Parse(options.Allow);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException e)
        {
            return ValidateOptionsResult.Fail($"{section}:Allow: {e.Message}");
        }
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rules.Engine.Compilation;
using Rules.Engine.DependencyInjection;
using Rules.Engine.Http;
using Rules.Engine.RuleSets;
using Rules.Engine.Sandbox;
using Rules.Engine.Serving;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rules engine in an application's service collection.</summary>
public static class RulesEngineServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddRulesEngine(IServiceCollection, Action{RulesEngineBuilder}?, string)"/> reads by default.</summary>
    public const string DefaultSection = "Rules";

    /// <summary>
    /// Registers the engine: <see cref="SandboxOptions"/> bound from <c>{section}:Sandbox</c> and <see cref="EgressOptions"/>
    /// from <c>{section}:Egress</c> (both validated when the host starts), one <see cref="ScriptCache"/>, and a
    /// <see cref="RulePipelineProvider"/> that the host starts and that serves the rules of the source
    /// <paramref name="configure"/> chooses (<see cref="RulesEngineBuilder.FromDirectory"/>, <see cref="RulesEngineBuilder.FromRuleSet"/>,
    /// <see cref="RulesEngineBuilder.FromSource{TSource}"/>).
    /// </summary>
    /// <example><code>
    /// builder.Services.AddRulesEngine(rules => rules.FromDirectory("rules"));
    /// ...
    /// var outcome = await app.Services.GetRequiredService&lt;RulePipelineProvider&gt;().ExecuteAsync(transaction, cancellationToken: ct);
    /// </code></example>
    public static RulesEngineBuilder AddRulesEngine(this IServiceCollection services, Action<RulesEngineBuilder>? configure = null, string section = DefaultSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var sandboxSection = $"{section}:Sandbox";
        var egressSection = $"{section}:Egress";
        services.AddOptions<SandboxOptions>().BindConfiguration(sandboxSection).ValidateOnStart();
        services.AddOptions<EgressOptions>().BindConfiguration(egressSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SandboxOptions>>(new SandboxOptionsValidation(sandboxSection)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EgressOptions>>(new EgressOptionsValidation(egressSection)));
        services.TryAddSingleton(_ => new ScriptCache());
        services.TryAddSingleton(sp => new RulePipelineProvider(
            sp.GetService<IRuleSetSource>() ?? throw new InvalidOperationException(
                "AddRulesEngine: no rule set source is registered; choose one with FromDirectory, FromRuleSet or FromSource."),
            sp.GetRequiredService<IOptions<SandboxOptions>>().Value,
            sp.GetRequiredService<ScriptCache>(),
            sp.GetRequiredService<IOptions<EgressOptions>>().Value,
            sp.GetService<ILastGoodRuleSetStore>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<RulePipelineProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, RulePipelineProviderStart>());
        var builder = new RulesEngineBuilder(services, section);
        configure?.Invoke(builder);
        return builder;
    }
}

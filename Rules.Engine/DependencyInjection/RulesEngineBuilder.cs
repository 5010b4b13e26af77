using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Rules.Engine.RuleSets;
using Rules.Engine.Serving;

namespace Rules.Engine.DependencyInjection;

/// <summary>Chooses where the engine registered by <c>AddRulesEngine</c> reads its rules, and what it keeps as last good.</summary>
public sealed class RulesEngineBuilder
{
    internal RulesEngineBuilder(IServiceCollection services, string section)
    {
        Services = services;
        Section = section;
    }

    /// <summary>The service collection the engine is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The configuration section the options are bound from (<c>{Section}:Sandbox</c>, <c>{Section}:Egress</c>).</summary>
    public string Section { get; }

    /// <summary>Serves the rule directory at <paramref name="path"/> (our layout or a Deploy CLI export), reloading it when it changes.</summary>
    public RulesEngineBuilder FromDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromSource(_ => new DirectoryRuleSetSource(path));
    }

    /// <summary>
    /// Serves <paramref name="ruleSet"/> from memory. The <see cref="InMemoryRuleSetSource"/> is registered too: resolve it
    /// and call <see cref="InMemoryRuleSetSource.Set"/> to swap in new rules.
    /// </summary>
    public RulesEngineBuilder FromRuleSet(RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(ruleSet);
        var source = new InMemoryRuleSetSource(ruleSet);
        Services.Replace(ServiceDescriptor.Singleton(source));
        return FromSource(_ => source);
    }

    /// <summary>Serves the rules of the application's own source (a database, a remote store), built by the container.</summary>
    public RulesEngineBuilder FromSource<TSource>() where TSource : class, IRuleSetSource
    {
        Services.TryAddSingleton<TSource>();
        return FromSource(sp => sp.GetRequiredService<TSource>());
    }

    /// <summary>Serves the rules of the source <paramref name="factory"/> returns; replaces any source chosen before.</summary>
    public RulesEngineBuilder FromSource(Func<IServiceProvider, IRuleSetSource> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }

    /// <summary>Keeps the last version that went live in <typeparamref name="TStore"/>, served when a start's rules are refused.</summary>
    public RulesEngineBuilder WithLastGoodStore<TStore>() where TStore : class, ILastGoodRuleSetStore
    {
        Services.Replace(ServiceDescriptor.Singleton<ILastGoodRuleSetStore, TStore>());
        return this;
    }

    /// <summary>
    /// Uses a provider the application builds itself (a host that wraps it with its own metrics and audit) instead of the
    /// default one; the options, the script cache and the start at host start stay as registered.
    /// </summary>
    public RulesEngineBuilder WithProvider(Func<IServiceProvider, RulePipelineProvider> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.Replace(ServiceDescriptor.Singleton(factory));
        return this;
    }
}

using Rules.Engine.Modules;

namespace Rules.Engine.Http;

/// <summary>
/// Makes the HTTP facades (<see cref="HttpModules"/>) resolvable when a rule set compiles, from rules and from packages
/// alike (<c>slack-notify -&gt; request</c>), at any version a rule pins, as the other built-ins are. The facade itself
/// is built per runtime over that runtime's egress transport, so the runtime's <c>require</c> hands it out by name and
/// the stand-in file below is never evaluated.
/// </summary>
internal sealed class HttpModuleSource : IModuleSource
{
    public static HttpModuleSource Instance { get; } = new();

    private static readonly Dictionary<string, ModuleDefinition> Modules = HttpModules.Names.ToDictionary(
        name => name,
        name => new ModuleDefinition
        {
            Name = name,
            Origin = ModuleOrigin.BuiltIn,
            Files = new Dictionary<string, string> { ["index.js"] = "// The runtime's require answers this name with its HTTP facade (Rules.Engine/Http/Facades).\n" },
            Main = "index.js",
        },
        StringComparer.Ordinal);

    public ModuleDefinition? Find(string name, string? version) => Modules.GetValueOrDefault(name);

    public IReadOnlyList<string> Versions(string name) => [];
}

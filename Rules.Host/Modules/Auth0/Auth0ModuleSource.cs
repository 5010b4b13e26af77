using Rules.Engine.Modules;

namespace Rules.Host.Modules.Auth0;

/// <summary>
/// <c>require('auth0')</c> (at any version a rule pins, such as <c>auth0@2.9.1</c>) for every rule set this server
/// compiles: the ManagementClient in auth0.js, whose calls <see cref="RuleManagementCalls"/> answers in-process.
/// </summary>
public sealed class Auth0ModuleSource : IModuleSource
{
    public static Auth0ModuleSource Instance { get; } = new();

    /// <summary>The host's modules, as <see cref="Rules.Engine.Sandbox.SandboxOptions.HostModules"/> takes them.</summary>
    public static IReadOnlyList<IModuleSource> All { get; } = [Instance];

    private static readonly ModuleDefinition Module = new()
    {
        Name = "auth0",
        Origin = ModuleOrigin.Host,
        Files = new Dictionary<string, string>(StringComparer.Ordinal) { ["index.js"] = Read() },
        Main = "index.js",
    };

    public ModuleDefinition? Find(string name, string? version) => name == "auth0" ? Module : null;

    public IReadOnlyList<string> Versions(string name) => [];

    private static string Read()
    {
        using var stream = typeof(Auth0ModuleSource).Assembly.GetManifestResourceStream("modules/auth0.js")
            ?? throw new InvalidOperationException("embedded host module auth0.js is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using Rules.Engine.Modules.BuiltIns;

namespace Rules.Engine.Modules;

/// <summary>
/// The modules written in this engine (Modules/BuiltIns/*.js, embedded), with .NET natives where that is the right
/// tool. A built-in answers any version a rule pins (<c>require('uuid@3.3.2')</c>): it stands in for the package.
/// </summary>
internal static class BuiltInModules
{
    private static readonly Dictionary<string, ModuleDefinition> Modules = new(StringComparer.Ordinal)
    {
        ["buffer"] = Define("buffer", BufferNative.Create),
        ["crypto"] = Define("crypto", CryptoNative.Create),
        ["querystring"] = Define("querystring"),
        ["url"] = Define("url"),
        ["util"] = Define("util"),
        ["jsonwebtoken"] = Define("jsonwebtoken"),
        ["uuid"] = Define("uuid", extraFiles: new Dictionary<string, string>
        {
            // uuid before v7 was required by file: require('uuid/v4').
            ["v1.js"] = "module.exports = require('./index.js').v1;",
            ["v4.js"] = "module.exports = require('./index.js').v4;",
        }),
        // Auth0's helpers for redirect rules (its templates pin 0.1.0 and 0.2.0, which expose the same API).
        ["@auth0/rule-utilities"] = Define("@auth0/rule-utilities", resource: "auth0-rule-utilities"),
    };

    public static IModuleSource Source { get; } = new BuiltInSource();

    /// <summary>Built-ins are engine code: parsed once per process, apart from the caller's cache (and its parse counts).</summary>
    public static Compilation.ScriptCache Scripts { get; } = new(4 * 1024 * 1024);

    public static IReadOnlyCollection<string> Names => Modules.Keys;

    private static ModuleDefinition Define(string name, Func<ModuleNativeContext, Jint.Native.JsValue>? native = null,
        Dictionary<string, string>? extraFiles = null, string? resource = null)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["index.js"] = Read(resource ?? name) };
        foreach (var (path, text) in extraFiles ?? [])
        {
            files[path] = text;
        }
        return new ModuleDefinition { Name = name, Origin = ModuleOrigin.BuiltIn, Files = files, Main = "index.js", Native = native };
    }

    private static string Read(string name)
    {
        using var stream = typeof(BuiltInModules).Assembly.GetManifestResourceStream($"Rules.Engine.Modules.BuiltIns.{name}.js")
            ?? throw new InvalidOperationException($"embedded built-in module {name}.js is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class BuiltInSource : IModuleSource
    {
        public ModuleDefinition? Find(string name, string? version) => Modules.GetValueOrDefault(name);

        public IReadOnlyList<string> Versions(string name) => [];
    }
}

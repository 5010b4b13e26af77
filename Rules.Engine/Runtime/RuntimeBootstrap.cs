using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Rules.Engine.Runtime;

/// <summary>
/// The bootstrap files (Runtime/Bootstrap/*.js, embedded), run in the order of their names against a new engine: kit,
/// capped built-ins, rule globals, modules, the Actions api, installing the globals, freezing (docs/runtime.md). Each
/// file is <c>(function (host, kit) { ... })</c>; <c>kit</c> carries what one file made to the next, and the last returns
/// what the runtime reads back (<see cref="BootstrapHost.Exports"/>). Prepared once per process, shared by every runtime.
/// </summary>
internal static class RuntimeBootstrap
{
    private const string ResourcePrefix = "Rules.Engine.Runtime.Bootstrap.";

    private static readonly Prepared<Script>[] Files = Prepare();

    /// <summary>The file names, in the order they run.</summary>
    public static IReadOnlyList<string> Names { get; } = ResourceNames().Select(n => n[ResourcePrefix.Length..]).ToArray();

    /// <summary>Runs every file with <paramref name="host"/> (<see cref="BootstrapHost"/>); returns the last file's exports.</summary>
    public static ObjectInstance Run(Jint.Engine engine, JsObject host)
    {
        var kit = new JsObject(engine);
        JsValue exports = JsValue.Undefined;
        foreach (var file in Files)
        {
            exports = engine.Call(engine.Evaluate(file), JsValue.Undefined, [host, kit]);
        }
        return exports.AsObject();
    }

    private static Prepared<Script>[] Prepare() =>
        ResourceNames().Select(name => Jint.Engine.PrepareScript(Read(name), "rules-runtime-bootstrap/" + name[ResourcePrefix.Length..], strict: false)).ToArray();

    private static string[] ResourceNames()
    {
        var names = typeof(RuntimeBootstrap).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".js", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return names.Length > 0 ? names : throw new InvalidOperationException("the embedded bootstrap files (Runtime/Bootstrap/*.js) are missing");
    }

    private static string Read(string resource)
    {
        using var stream = typeof(RuntimeBootstrap).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

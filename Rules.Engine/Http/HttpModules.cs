using Acornima.Ast;
using Jint;

namespace Rules.Engine.Http;

/// <summary>
/// The HTTP facades rules can <c>require</c>, by module name: each a thin JavaScript layer (Http/Facades/*.js) over one
/// C# core. Until the general module resolver exists, the runtime's <c>require</c> resolves exactly these names; the
/// resolver takes this table over (<see cref="Sources"/>). Each source is a function expression
/// <c>(kit, modules) =&gt; exports</c>; <c>kit.js</c> builds the shared <c>send</c>.
/// </summary>
internal static class HttpModules
{
    /// <summary>Module name → facade file, in the order they are built (request-promise builds on request).</summary>
    private static readonly (string Name, string File)[] Table =
    [
        ("request", "request.js"),
        ("request-promise", "request-promise.js"),
        ("request-promise-native", "request-promise.js"),
        ("axios", "axios.js"),
        ("node-fetch", "node-fetch.js"),
    ];

    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>Module name → JavaScript source of its factory.</summary>
    public static IReadOnlyDictionary<string, string> Sources { get; } = Table.ToDictionary(t => t.Name, t => Read(t.File));

    internal static Prepared<Script> Kit { get; } = Jint.Engine.PrepareScript(Read("kit.js"), "rules-http-kit.js", strict: true);

    internal static IReadOnlyList<(string Name, Prepared<Script> Factory)> Factories { get; } =
        Table.Select(t => (t.Name, Jint.Engine.PrepareScript(Read(t.File), $"rules-http-{t.File}", strict: true))).ToArray();

    private static string Read(string file)
    {
        using var stream = typeof(HttpModules).Assembly.GetManifestResourceStream($"Rules.Engine.Http.Facades.{file}")
            ?? throw new InvalidOperationException($"embedded resource Http/Facades/{file} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

namespace Rules.Engine.Sandbox;

/// <summary>
/// The Node and browser globals rules cannot use here, and why: the one table the linter warns from
/// (<see cref="Linting.RuleLinter"/>, code unavailable-api) and the runtime installs from (the timers, as functions
/// that throw with the same reason; the others simply do not exist, or, like eval, refuse).
/// </summary>
internal static class UnavailableGlobals
{
    /// <param name="Installed">The runtime defines it as a function that throws (a rule may hold a reference to it and
    /// call it later, as code written for Node does); otherwise reading it is a ReferenceError, or eval's own refusal.</param>
    public sealed record Entry(string Name, string Reason, bool Installed);

    /// <summary>In the order the runtime installs them (the order of the global object's own properties).</summary>
    public static readonly IReadOnlyList<Entry> All =
    [
        new("setTimeout", "timers could outlive the login; finish the work before calling callback", Installed: true),
        new("setInterval", "timers could outlive the login", Installed: true),
        new("setImmediate", "timers could outlive the login", Installed: true),
        new("clearTimeout", "there are no timers in the sandbox", Installed: true),
        new("clearInterval", "there are no timers in the sandbox", Installed: true),
        new("process", "rules run in a sandbox, not in Node.js (read settings from configuration)", Installed: false),
        new("XMLHttpRequest", "rules reach the network only through request, axios, node-fetch or fetch", Installed: false),
        new("eval", "string compilation is switched off in the sandbox", Installed: false),
        new("__dirname", "rules have no file system", Installed: false),
    ];

    private static readonly Dictionary<string, string> LintMessages =
        All.ToDictionary(e => e.Name, e => $"{e.Name} is not available: {e.Reason}", StringComparer.Ordinal);

    public static bool Contains(string name) => LintMessages.ContainsKey(name);

    /// <summary>The linter's message for <paramref name="name"/>: "setTimeout is not available: timers could outlive the login…".</summary>
    public static bool TryGetLintMessage(string name, out string message) => LintMessages.TryGetValue(name, out message!);
}

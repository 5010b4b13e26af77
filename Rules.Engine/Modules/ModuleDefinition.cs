using Jint.Native;

namespace Rules.Engine.Modules;

/// <summary>Where a module comes from; error messages and the documentation tell the three apart.</summary>
public enum ModuleOrigin
{
    /// <summary>Written in this engine (crypto, buffer, url, ...).</summary>
    BuiltIn,

    /// <summary>Provided by the host application, registered as an <see cref="IModuleSource"/> when the rule set compiles (e.g. <c>auth0</c>).</summary>
    Host,

    /// <summary>An npm package the operator vetted into <c>modules.lock.json</c>.</summary>
    Package,
}

/// <summary>
/// One module a rule can <c>require</c>: CommonJS files (path relative to the package root → source text) and an
/// entry file. Each <c>.js</c> file runs as <c>function (exports, require, module, __filename, __dirname, native, global)</c>
/// in the rule sandbox, under the rule's limits; <see cref="Native"/>, when set, is what <c>native</c> holds (built
/// once per warm runtime), the only way a module's JavaScript reaches .NET. A <c>.json</c> file exports its parsed value.
/// </summary>
public sealed class ModuleDefinition
{
    /// <summary>The name rules pass to <c>require</c>, without a version.</summary>
    public required string Name { get; init; }

    /// <summary>Exact version for packages; null for built-ins and host modules, which stand in for any version.</summary>
    public string? Version { get; init; }

    /// <summary>Where the module comes from (built-in, host, package); it decides precedence and what errors suggest.</summary>
    public required ModuleOrigin Origin { get; init; }

    /// <summary>The module's JavaScript files by path inside the module; <c>require</c> between them resolves against this map only.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>The file <c>require('name')</c> loads, a key of <see cref="Files"/>.</summary>
    public required string Main { get; init; }

    /// <summary>A package's own dependencies (name → exact version), resolved from the lock file only.</summary>
    public IReadOnlyDictionary<string, string> Dependencies { get; init; } = new Dictionary<string, string>();

    /// <summary>Builds the module's <c>native</c> object once per warm runtime; null for pure-JavaScript modules.</summary>
    public Func<ModuleNativeContext, JsValue>? Native { get; init; }

    /// <summary><c>name@version</c> for packages, the bare name otherwise, as errors and listings show it.</summary>
    public string DisplayName => Version is null ? Name : $"{Name}@{Version}";
}

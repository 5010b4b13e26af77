using Jint;
using System.Security.Cryptography;
using Jint.Native;
using Jint.Runtime.Interop;
using Rules.Engine.Modules;

namespace Rules.Engine.Runtime;

// require: Bootstrap/30-modules.js keeps the per-runtime module cache and calls these to resolve a specifier (resolved when the
// rule set compiled), to evaluate a file's prepared script (its CommonJS wrapper function) and to get the package's
// native binding, built once per runtime. A module runs inside the rule call that first requires it, under its limits.
internal sealed partial class RuleRuntime
{
    private JsValue?[] _moduleNatives = [];

    private void AddModuleHost(JsObject host)
    {
        var modules = _ruleSet.Modules;
        _moduleNatives = new JsValue?[modules.Packages.Count];
        host.FastSetDataProperty(BootstrapHost.BufferModule, JsNumber.Create(modules.BufferFile));
        host.SetFunction(_engine, BootstrapHost.ResolveModule, (_, args) =>
            JsNumber.Create(modules.Resolve((int)args[0].AsNumber(), args[1].IsString() ? args[1].ToString() : "\0")));
        host.SetFunction(_engine, BootstrapHost.ModuleName, (_, args) =>
            new JsString(modules.Files[(int)args[0].AsNumber()].DisplayName));
        host.SetFunction(_engine, BootstrapHost.ModuleFactory, (_, args) =>
            _engine.Evaluate(modules.Files[(int)args[0].AsNumber()].Script));
        host.SetFunction(_engine, BootstrapHost.ModuleNative, (_, args) =>
        {
            var package = modules.Files[(int)args[0].AsNumber()].Package;
            if (_moduleNatives[package] is { } built)
            {
                return built;
            }
            var factory = modules.Packages[package].Native;
            var native = factory is null ? JsValue.Undefined : factory(new ModuleNativeContext(_engine, FillRandom, _options.MemoryLimitBytes));
            _moduleNatives[package] = native;
            return native;
        });
    }

    /// <summary>Cryptographically random, except on replay (a seeded login), where the bytes follow the seed.</summary>
    private void FillRandom(Span<byte> bytes)
    {
        if (!_random.Seeded)
        {
            RandomNumberGenerator.Fill(bytes);
            return;
        }
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(_random.NextDouble() * 256);
        }
    }
}

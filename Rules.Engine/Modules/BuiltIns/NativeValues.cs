using Jint;
using Jint.Native;
using Jint.Runtime;

namespace Rules.Engine.Modules.BuiltIns;

/// <summary>Argument reading and value building shared by the built-in modules' native bindings.</summary>
internal static class NativeValues
{
    public static byte[] Bytes(ModuleNativeContext context, JsValue[] args, int index, string what)
    {
        var value = index < args.Length ? args[index] : JsValue.Undefined;
        if (value is JsTypedArray typed)
        {
            return typed.AsUint8Array();
        }
        throw new JavaScriptException(context.Engine.Intrinsics.TypeError, $"{what} must be a Buffer");
    }

    public static string Text(JsValue[] args, int index) => index < args.Length && args[index].IsString() ? args[index].ToString() : "";

    public static JsValue Buffer(ModuleNativeContext context, byte[] bytes, string what)
    {
        if (bytes.LongLength > context.MaxBinaryBytes)
        {
            throw RangeError(context, $"{what} would allocate {bytes.LongLength} bytes; rules are limited to {context.MaxBinaryBytes} (sandbox limit MemoryLimitBytes)");
        }
        return context.Engine.Intrinsics.ArrayBuffer.Construct(bytes);
    }

    /// <summary>A RangeError, as Node throws for sizes; Jint does not expose its constructor, so it is read from the realm.</summary>
    public static JavaScriptException RangeError(ModuleNativeContext context, string message)
    {
        var constructor = context.Engine.Global.Get("RangeError");
        return new JavaScriptException(context.Engine.Construct(constructor, new JsString(message)));
    }

    public static JavaScriptException Error(ModuleNativeContext context, string message) =>
        new(context.Engine.Intrinsics.Error, message);

    public static JavaScriptException TypeError(ModuleNativeContext context, string message) =>
        new(context.Engine.Intrinsics.TypeError, message);
}

using System.Text;
using Jint.Native;
using Jint.Runtime.Interop;
using static Rules.Engine.Modules.BuiltIns.NativeValues;

namespace Rules.Engine.Modules.BuiltIns;

/// <summary>The text encodings behind <c>Buffer.from(string, encoding)</c> and <c>buf.toString(encoding)</c>, as Node decodes them.</summary>
internal static class BufferNative
{
    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);

    public static JsValue Create(ModuleNativeContext context)
    {
        var native = context.NewObject();
        native.FastSetDataProperty("decode", new ClrFunction(context.Engine, "decode", (_, args) =>
            Buffer(context, Decode(Text(args, 0), Text(args, 1)), "Buffer.from")));
        native.FastSetDataProperty("encode", new ClrFunction(context.Engine, "encode", (_, args) =>
            new JsString(Encode(Bytes(context, args, 0, "buffer"), Text(args, 1)))));
        return native;
    }

    public static byte[] Decode(string text, string encoding) => encoding switch
    {
        "hex" => DecodeHex(text),
        "base64" or "base64url" => DecodeBase64(text),
        "latin1" or "binary" => text.Select(c => (byte)c).ToArray(),
        "ascii" => text.Select(c => (byte)(c & 0xFF)).ToArray(),
        "utf16le" or "ucs2" or "ucs-2" or "utf-16le" => Encoding.Unicode.GetBytes(text),
        _ => Utf8.GetBytes(text),
    };

    public static string Encode(byte[] bytes, string encoding) => encoding switch
    {
        "hex" => Convert.ToHexStringLower(bytes),
        "base64" => Convert.ToBase64String(bytes),
        "base64url" => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        "latin1" or "binary" => string.Create(bytes.Length, bytes, (span, b) => { for (var i = 0; i < b.Length; i++) span[i] = (char)b[i]; }),
        "ascii" => string.Create(bytes.Length, bytes, (span, b) => { for (var i = 0; i < b.Length; i++) span[i] = (char)(b[i] & 0x7F); }),
        "utf16le" or "ucs2" or "ucs-2" or "utf-16le" => Encoding.Unicode.GetString(bytes, 0, bytes.Length & ~1),
        _ => Utf8.GetString(bytes),
    };

    /// <summary>Node stops at the first pair that is not hex, keeping what came before.</summary>
    private static byte[] DecodeHex(string text)
    {
        var result = new List<byte>(text.Length / 2);
        for (var i = 0; i + 1 < text.Length; i += 2)
        {
            var high = HexValue(text[i]);
            var low = HexValue(text[i + 1]);
            if (high < 0 || low < 0)
            {
                break;
            }
            result.Add((byte)(high * 16 + low));
        }
        return result.ToArray();
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Node accepts both alphabets, skips whitespace and anything else, and stops at the first '='.</summary>
    private static byte[] DecodeBase64(string text)
    {
        var result = new List<byte>(text.Length * 3 / 4);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c == '=')
            {
                break;
            }
            var value = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '+' or '-' => 62,
                '/' or '_' => 63,
                _ => -1,
            };
            if (value < 0)
            {
                continue;
            }
            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                result.Add((byte)((buffer >> bits) & 0xFF));
            }
        }
        return result.ToArray();
    }
}

using Jint;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Jint.Native;
using Jint.Runtime.Interop;
using static Rules.Engine.Modules.BuiltIns.NativeValues;

namespace Rules.Engine.Modules.BuiltIns;

/// <summary>
/// .NET's cryptography behind the <c>crypto</c> built-in: hashes, HMAC, random bytes, constant-time comparison, AES
/// (CBC and GCM) and RSA PKCS#1 v1.5 signatures (for jsonwebtoken's RS256). The JavaScript side keeps Node's API shape.
/// </summary>
internal static class CryptoNative
{
    public static JsValue Create(ModuleNativeContext context)
    {
        var engine = context.Engine;
        var native = context.NewObject();
        native.FastSetDataProperty("hash", new ClrFunction(engine, "hash", (_, args) =>
            Buffer(context, Hash(context, Text(args, 0), Bytes(context, args, 1, "data")), "hash")));
        native.FastSetDataProperty("hmac", new ClrFunction(engine, "hmac", (_, args) =>
            Buffer(context, Hmac(context, Text(args, 0), Bytes(context, args, 1, "key"), Bytes(context, args, 2, "data")), "hmac")));
        native.FastSetDataProperty("randomBytes", new ClrFunction(engine, "randomBytes", (_, args) =>
        {
            var size = args.Length > 0 && args[0].IsNumber() ? args[0].AsNumber() : -1;
            if (size < 0 || size != Math.Floor(size))
            {
                throw TypeError(context, "The \"size\" argument must be a non-negative integer");
            }
            if (size > context.MaxBinaryBytes)
            {
                throw NativeValues.RangeError(context, $"crypto.randomBytes would allocate {size} bytes; rules are limited to {context.MaxBinaryBytes} (sandbox limit MemoryLimitBytes)");
            }
            var bytes = new byte[(int)size];
            context.FillRandom(bytes);
            return Buffer(context, bytes, "crypto.randomBytes");
        }));
        native.FastSetDataProperty("timingSafeEqual", new ClrFunction(engine, "timingSafeEqual", (_, args) =>
        {
            var a = Bytes(context, args, 0, "buf1");
            var b = Bytes(context, args, 1, "buf2");
            if (a.Length != b.Length)
            {
                throw NativeValues.RangeError(context, "Input buffers must have the same byte length");
            }
            return CryptographicOperations.FixedTimeEquals(a, b) ? JsBoolean.True : JsBoolean.False;
        }));
        native.FastSetDataProperty("aes", new ClrFunction(engine, "aes", (_, args) => Aes(context, args)));
        native.FastSetDataProperty("rsaSign", new ClrFunction(engine, "rsaSign", (_, args) =>
        {
            using var rsa = ImportRsa(context, Text(args, 1));
            return Buffer(context, rsa.SignData(Bytes(context, args, 2, "data"), HashName(context, Text(args, 0)), RSASignaturePadding.Pkcs1), "sign");
        }));
        native.FastSetDataProperty("rsaVerify", new ClrFunction(engine, "rsaVerify", (_, args) =>
        {
            using var rsa = ImportRsa(context, Text(args, 1));
            return rsa.VerifyData(Bytes(context, args, 2, "data"), Bytes(context, args, 3, "signature"), HashName(context, Text(args, 0)), RSASignaturePadding.Pkcs1)
                ? JsBoolean.True : JsBoolean.False;
        }));
        return native;
    }

    private static HashAlgorithmName HashName(ModuleNativeContext context, string algorithm) => algorithm.ToLowerInvariant().Replace("-", "") switch
    {
        "md5" => HashAlgorithmName.MD5,
        "sha1" => HashAlgorithmName.SHA1,
        "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        "sha512" => HashAlgorithmName.SHA512,
        _ => throw Error(context, $"Digest method not supported: {algorithm} (available: md5, sha1, sha256, sha384, sha512)"),
    };

    private static byte[] Hash(ModuleNativeContext context, string algorithm, byte[] data)
    {
        var name = HashName(context, algorithm);
        return name == HashAlgorithmName.MD5 ? MD5.HashData(data)
            : name == HashAlgorithmName.SHA1 ? SHA1.HashData(data)
            : name == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
            : name == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
            : SHA512.HashData(data);
    }

    private static byte[] Hmac(ModuleNativeContext context, string algorithm, byte[] key, byte[] data)
    {
        var name = HashName(context, algorithm);
        return name == HashAlgorithmName.MD5 ? HMACMD5.HashData(key, data)
            : name == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data)
            : name == HashAlgorithmName.SHA256 ? HMACSHA256.HashData(key, data)
            : name == HashAlgorithmName.SHA384 ? HMACSHA384.HashData(key, data)
            : HMACSHA512.HashData(key, data);
    }

    /// <summary>aes(mode, encrypt, key, iv, data, aad, tag) → { data, tag }: one call per cipher, at final().</summary>
    private static JsValue Aes(ModuleNativeContext context, JsValue[] args)
    {
        var mode = Text(args, 0);
        var encrypt = args.Length > 1 && args[1].Equals(JsBoolean.True);
        var key = Bytes(context, args, 2, "key");
        var iv = Bytes(context, args, 3, "iv");
        var data = Bytes(context, args, 4, "data");
        if (key.Length != 32)
        {
            throw NativeValues.RangeError(context, "Invalid key length");
        }

        var result = context.NewObject();
        if (mode == "cbc")
        {
            if (iv.Length != 16)
            {
                throw TypeError(context, "Invalid initialization vector");
            }
            using var aes = System.Security.Cryptography.Aes.Create();
            aes.Key = key;
            try
            {
                var output = encrypt ? aes.EncryptCbc(data, iv, PaddingMode.PKCS7) : aes.DecryptCbc(data, iv, PaddingMode.PKCS7);
                result.FastSetDataProperty("data", Buffer(context, output, "decipher.final"));
            }
            catch (CryptographicException)
            {
                throw Error(context, "error:1C800064:Provider routines::bad decrypt");
            }
            return result;
        }

        if (iv.Length == 0)
        {
            throw TypeError(context, "Invalid initialization vector");
        }
        var aad = Bytes(context, args, 5, "aad");
        using var gcm = new AesGcm(key, 16);
        var buffer = new byte[data.Length];
        if (encrypt)
        {
            var tag = new byte[16];
            gcm.Encrypt(iv, data, buffer, tag, aad);
            result.FastSetDataProperty("tag", Buffer(context, tag, "cipher.getAuthTag"));
        }
        else
        {
            var tag = Bytes(context, args, 6, "authTag");
            try
            {
                using var shortTag = new AesGcm(key, tag.Length is >= 12 and <= 16 ? tag.Length : 16);
                shortTag.Decrypt(iv, data, tag, buffer, aad);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw Error(context, "Unsupported state or unable to authenticate data");
            }
        }
        result.FastSetDataProperty("data", Buffer(context, buffer, "cipher.final"));
        return result;
    }

    private static RSA ImportRsa(ModuleNativeContext context, string pem)
    {
        try
        {
            if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                using var certificate = X509Certificate2.CreateFromPem(pem);
                return certificate.GetRSAPublicKey() ?? throw Error(context, "the certificate holds no RSA key");
            }
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw Error(context, "secretOrPublicKey must be an RSA key in PEM format");
        }
    }
}

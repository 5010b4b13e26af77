using System.Security.Cryptography;
using System.Text;
using Rules.Host.Hosting;

namespace Rules.Host.Storage;

/// <summary>
/// Encrypts the key material the store holds (token signing keys, Data Protection keys) with a key-encryption key (KEK)
/// from configuration: <c>Rules:KeyEncryptionKey</c> (or the environment, <c>Rules__KeyEncryptionKey</c>), 32 random
/// bytes in base64, or <c>Rules:KeyEncryptionKeyFile</c> naming a file that holds them (a mounted secret).
/// <para>
/// A protected value is the text <c>kek1:{key id}:{base64(nonce ‖ ciphertext ‖ tag)}</c>: AES-256-GCM with a random
/// 12-byte nonce and a 16-byte tag, the associated data being the value's slot (<c>signing_keys/{kid}</c>,
/// <c>data_protection_keys/{name}</c>) so a row copied into another row's place does not decrypt. The key id is the
/// first 8 bytes of SHA-256 over the KEK, in hex: it names which KEK a value needs without revealing it, so a wrong
/// key fails with that name instead of a bare tag mismatch.
/// </para>
/// <para>
/// Rotation: put the new key in <c>Rules:KeyEncryptionKey</c> and the old one in <c>Rules:PreviousKeyEncryptionKey</c>;
/// at start <see cref="KeysAtRest"/> re-encrypts every value under the new key, after which the old one can be removed.
/// Without a KEK values are stored as they are (plaintext) and <see cref="IsConfigured"/> is false.
/// </para>
/// </summary>
public sealed class KeyEncryption
{
    private const string Prefix = "kek1:";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[]? _current;
    private readonly byte[]? _previous;

    private KeyEncryption(byte[]? current, byte[]? previous)
    {
        _current = current;
        _previous = previous;
        CurrentKeyId = current is null ? null : KeyIdOf(current);
        PreviousKeyId = previous is null ? null : KeyIdOf(previous);
    }

    /// <summary>No KEK: values are stored and read as they are.</summary>
    public static KeyEncryption None { get; } = new(null, null);

    /// <summary>Reads the KEK settings; a key that is not 32 bytes of base64, or a file that cannot be read, is refused.</summary>
    public static KeyEncryption From(RulesHostOptions options)
    {
        if (options.KeyEncryptionKey is { Length: > 0 } && options.KeyEncryptionKeyFile is { Length: > 0 })
        {
            throw new SettingsException("Set Rules:KeyEncryptionKey or Rules:KeyEncryptionKeyFile, not both.");
        }
        var current = options.KeyEncryptionKeyFile is { Length: > 0 } file
            ? ReadKey(ReadFile(file), "Rules:KeyEncryptionKeyFile")
            : options.KeyEncryptionKey is { Length: > 0 } text ? ReadKey(text, "Rules:KeyEncryptionKey") : null;
        var previous = options.PreviousKeyEncryptionKey is { Length: > 0 } old ? ReadKey(old, "Rules:PreviousKeyEncryptionKey") : null;
        if (previous is not null && current is null)
        {
            throw new SettingsException("Rules:PreviousKeyEncryptionKey is set without Rules:KeyEncryptionKey: rotation needs the new key as well.");
        }
        return new KeyEncryption(current, previous);
    }

    public bool IsConfigured => _current is not null;

    /// <summary>The configured KEK's id (<c>kek1:{id}:…</c>), or null without one.</summary>
    public string? CurrentKeyId { get; }

    public string? PreviousKeyId { get; }

    public static bool IsProtected(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The value to store for <paramref name="plaintext"/> in <paramref name="slot"/>: encrypted under the KEK, or as it is without one.</summary>
    public string Protect(string plaintext, string slot)
    {
        if (_current is null)
        {
            return plaintext;
        }
        var data = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + data.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current, TagBytes);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes, data.Length), sealedBytes.AsSpan(NonceBytes + data.Length), Encoding.UTF8.GetBytes(slot));
        CryptographicOperations.ZeroMemory(data);
        return $"{Prefix}{CurrentKeyId}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>
    /// The plaintext of a stored value. A plaintext value (stored before a KEK was configured) is returned as it is;
    /// an encrypted one needs the KEK it names, current or previous, or this throws a <see cref="SettingsException"/>
    /// that says which key the store needs.
    /// </summary>
    public string Unprotect(string stored, string slot)
    {
        if (!IsProtected(stored))
        {
            return stored;
        }
        var parts = stored.Split(':', 3);
        if (parts.Length != 3)
        {
            throw new SettingsException($"The store's {slot} is not a readable kek1 value.");
        }
        var keyId = parts[1];
        var key = keyId == CurrentKeyId ? _current : keyId == PreviousKeyId ? _previous : null;
        if (key is null)
        {
            throw new SettingsException(_current is null
                ? $"The store's keys are encrypted with key-encryption key {keyId}, and no key-encryption key is configured: set Rules:KeyEncryptionKey (or Rules__KeyEncryptionKey) to that key."
                : $"The store's keys are encrypted with key-encryption key {keyId}, but the configured Rules:KeyEncryptionKey is {CurrentKeyId}"
                  + (PreviousKeyId is null ? "" : $" and Rules:PreviousKeyEncryptionKey is {PreviousKeyId}")
                  + ". Configure the key the store was encrypted with (to rotate, as Rules:PreviousKeyEncryptionKey beside the new one).");
        }

        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new SettingsException($"The store's {slot} is not a readable kek1 value.");
        }
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new SettingsException($"The store's {slot} is not a readable kek1 value.");
        }
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plaintext, Encoding.UTF8.GetBytes(slot));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SettingsException($"The store's {slot} does not decrypt with key-encryption key {keyId}: it was changed, or moved from another row.");
        }
        var text = Encoding.UTF8.GetString(plaintext);
        CryptographicOperations.ZeroMemory(plaintext);
        return text;
    }

    /// <summary>True when <paramref name="stored"/> should be written again: plaintext while a KEK is configured, or under the previous KEK.</summary>
    public bool NeedsRewrite(string stored) =>
        _current is not null && (!IsProtected(stored) || !stored.StartsWith($"{Prefix}{CurrentKeyId}:", StringComparison.Ordinal));

    private static string KeyIdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));

    private static byte[] ReadKey(string text, string setting)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new SettingsException($"{setting} is not base64: it must be 32 random bytes in base64 (openssl rand -base64 32).");
        }
        if (key.Length != 32)
        {
            throw new SettingsException($"{setting} is {key.Length} bytes: it must be 32 random bytes in base64 (openssl rand -base64 32).");
        }
        return key;
    }

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Rules:KeyEncryptionKeyFile '{path}' cannot be read: {e.Message}", e);
        }
    }
}

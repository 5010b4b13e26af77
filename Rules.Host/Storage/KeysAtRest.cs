using Dapper;

namespace Rules.Host.Storage;

/// <summary>
/// Brings the store's key material in line with the configured key-encryption key at start: plaintext keys (a store
/// from before a KEK was configured) and keys under <c>Rules:PreviousKeyEncryptionKey</c> are re-encrypted under the
/// current KEK, in one exclusive transaction, so instances starting together rewrite each row once and a crash leaves
/// either the old values or the new ones. Every value is decrypted first, so a wrong or missing KEK stops the start with
/// a message naming the key the store needs, before anything is served.
/// </summary>
public static class KeysAtRest
{
    public static string SigningKeySlot(string keyId) => $"signing_keys/{keyId}";

    public static string DataProtectionKeySlot(string name) => $"data_protection_keys/{name}";

    /// <summary>Checks every stored key against <paramref name="encryption"/> and rewrites those that need it; returns how many were rewritten.</summary>
    public static int Migrate(Database database, KeyEncryption encryption) => database.InTransaction((connection, transaction) =>
    {
        var rewritten = 0;
        foreach (var (kid, stored) in connection.Query<(string, string)>("SELECT kid, private_key FROM signing_keys ORDER BY kid", transaction: transaction).ToList())
        {
            var plaintext = encryption.Unprotect(stored, SigningKeySlot(kid));
            if (encryption.NeedsRewrite(stored))
            {
                rewritten += connection.Execute("UPDATE signing_keys SET private_key = @value WHERE kid = @kid",
                    new { kid, value = encryption.Protect(plaintext, SigningKeySlot(kid)) }, transaction);
            }
        }
        foreach (var (name, stored) in connection.Query<(string, string)>("SELECT name, xml FROM data_protection_keys ORDER BY name", transaction: transaction).ToList())
        {
            var plaintext = encryption.Unprotect(stored, DataProtectionKeySlot(name));
            if (encryption.NeedsRewrite(stored))
            {
                rewritten += connection.Execute("UPDATE data_protection_keys SET xml = @value WHERE name = @name",
                    new { name, value = encryption.Protect(plaintext, DataProtectionKeySlot(name)) }, transaction);
            }
        }
        return rewritten;
    }, exclusive: true);
}

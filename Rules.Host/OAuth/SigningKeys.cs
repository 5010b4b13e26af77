using System.Data;
using System.Diagnostics;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Rules.Host.Hosting;
using Rules.Host.Storage;

namespace Rules.Host.OAuth;

/// <summary>
/// The RS256 keys tokens are signed with, kept in the store's <c>signing_keys</c> table so every instance signs with the
/// same current key and publishes the same JWKS. The first instance to start on an empty store imports the legacy
/// <c>{data}/signing-key.pem</c> (tokens issued before the upgrade stay valid) or generates a key. A rotation retires the
/// current key; a retired key stays published, and accepted, for as long as a token signed with it can live.
/// </summary>
public sealed class SigningKeys
{
    /// <summary>Where a server before the shared store kept its key; read once, to import it.</summary>
    public const string FileName = "signing-key.pem";

    private static readonly long MinimumRefreshInterval = Stopwatch.Frequency; // one second

    private readonly Database _database;
    private readonly KeyEncryption _encryption;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _longestTokenLifetime;
    private readonly Lock _refreshLock = new();
    private SigningKeySet _set;
    private long _lastRefresh = long.MinValue;

    public SigningKeys(Database database, IOptions<RulesHostOptions> options, TimeProvider clock, ILogger<SigningKeys>? logger = null, KeyEncryption? encryption = null)
    {
        _database = database;
        _encryption = encryption ?? KeyEncryption.From(options.Value);
        _clock = clock;
        // ID tokens are issued with the access token's lifetime (TokenMinter), so these two bound every token we sign.
        _longestTokenLifetime = options.Value.AccessTokenLifetime > options.Value.ManagementTokenLifetime
            ? options.Value.AccessTokenLifetime
            : options.Value.ManagementTokenLifetime;
        EnsureCurrentKey(Path.Combine(options.Value.DataDirectory, FileName), logger ?? NullLogger<SigningKeys>.Instance);
        _set = Load([]);
    }

    /// <summary>The keys as last read: re-read when a rotation happens here, on <see cref="Refresh"/>, or when a published key expires.</summary>
    public SigningKeySet Current
    {
        get
        {
            var set = Volatile.Read(ref _set);
            if (set.NextExpiry is { } expiry && _clock.GetUtcNow() >= expiry)
            {
                Refresh();
                set = Volatile.Read(ref _set);
            }
            return set;
        }
    }

    public string KeyId => Current.Current.KeyId;

    public RsaSecurityKey Key => Current.Current;

    public SigningCredentials Credentials => Current.Credentials;

    /// <summary>The <c>signing_keys</c> revision the keys in memory were read at; compare with the store's to know when to <see cref="Refresh"/>.</summary>
    public long Revision => Volatile.Read(ref _set).Revision;

    /// <summary>Re-reads the keys from the store and swaps them in whole. Safe from any thread.</summary>
    public void Refresh()
    {
        lock (_refreshLock)
        {
            Volatile.Write(ref _set, Load(Volatile.Read(ref _set).Published));
            Volatile.Write(ref _lastRefresh, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>
    /// A token names a key we do not publish: another instance may have just rotated. Re-reads the store unless that was
    /// done less than a second ago (a stream of forged key ids must not become a stream of queries), and says whether
    /// <paramref name="keyId"/> is published now.
    /// </summary>
    public bool RefreshForUnknownKey(string keyId)
    {
        if (Current.Publishes(keyId))
        {
            return true;
        }
        var last = Volatile.Read(ref _lastRefresh);
        var now = Stopwatch.GetTimestamp();
        if (last != long.MinValue && now - last < MinimumRefreshInterval)
        {
            return false;
        }
        if (Interlocked.CompareExchange(ref _lastRefresh, now, last) != last)
        {
            return false; // another request is refreshing right now
        }
        Refresh();
        return Current.Publishes(keyId);
    }

    /// <summary>
    /// Retires the current key and makes a new one current, in one exclusive transaction so two rotations at once on two
    /// instances leave exactly one current key. The retired key stays published for the longest token lifetime.
    /// </summary>
    public SigningKeyInfo Rotate(Audit.ChangeActor actor)
    {
        using var rsa = RSA.Create(2048); // generated before the lock: it takes a while
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var keyId = SigningKeySet.KeyIdOf(rsa);
        var now = _clock.GetUtcNow();
        _database.InTransaction((connection, transaction) =>
        {
            var retired = connection.ExecuteScalar<string?>("SELECT kid FROM signing_keys WHERE retired_at IS NULL", transaction: transaction);
            connection.Execute("UPDATE signing_keys SET retired_at = @now WHERE retired_at IS NULL",
                new { now = JsonColumns.Timestamp(now) }, transaction);
            var inserted = Insert(connection, transaction, keyId, _encryption.Protect(pem, KeysAtRest.SigningKeySlot(keyId)), now);
            new Audit.AuditLog(_database).Write(new Writes(connection, transaction), Audit.ChangeEntries.ForSigningKeyRotation(retired, keyId, actor, now));
            return inserted;
        }, exclusive: true);
        Refresh();
        return new SigningKeyInfo(keyId, now, null);
    }

    /// <summary>Every key in the store, newest first: ids and dates only, never key material.</summary>
    public IReadOnlyList<SigningKeyInfo> List() => _database.InSnapshot((connection, transaction) =>
        connection.Query<(string Kid, string CreatedAt, string? RetiredAt)>(
                "SELECT kid, created_at, retired_at FROM signing_keys ORDER BY created_at DESC, kid", transaction: transaction)
            .Select(row => new SigningKeyInfo(row.Kid, JsonColumns.ReadTimestamp(row.CreatedAt), row.RetiredAt is null ? null : JsonColumns.ReadTimestamp(row.RetiredAt)))
            .ToList());

    /// <summary>
    /// Every key the store holds, retired ones too, by kid: audit checkpoints signed long ago verify against them. Keys
    /// encrypted at rest need the key-encryption key (<see cref="KeyEncryption.Unprotect"/> says which when it is missing).
    /// </summary>
    public static IReadOnlyDictionary<string, RsaSecurityKey> ReadAll(Database database, KeyEncryption encryption)
    {
        using var connection = database.Open();
        return connection.Query<(string Kid, string PrivateKey)>("SELECT kid, private_key FROM signing_keys")
            .ToDictionary(row => row.Kid, row => Parse(row.Kid, encryption.Unprotect(row.PrivateKey, KeysAtRest.SigningKeySlot(row.Kid))), StringComparer.Ordinal);
    }

    /// <summary>
    /// Makes sure the store has a current key. Several instances may start on an empty store at once: the key is
    /// prepared outside the lock, then an exclusive transaction checks again and inserts only if there is still none.
    /// </summary>
    private void EnsureCurrentKey(string legacyPath, ILogger logger)
    {
        if (CurrentKeyId() is not null)
        {
            return;
        }

        string? pem = null;
        string? keyId = null;
        if (File.Exists(legacyPath))
        {
            using var legacy = RSA.Create();
            legacy.ImportFromPem(File.ReadAllText(legacyPath));
            pem = legacy.ExportPkcs8PrivateKeyPem();
            keyId = SigningKeySet.KeyIdOf(legacy);
        }
        if (keyId is null || KeyExists(keyId))
        {
            // No file, or its key was already imported and since retired: that key must not become current again.
            using var rsa = RSA.Create(2048);
            pem = rsa.ExportPkcs8PrivateKeyPem();
            keyId = SigningKeySet.KeyIdOf(rsa);
            legacyPath = "";
        }

        var inserted = _database.InTransaction((connection, transaction) =>
            connection.ExecuteScalar<string?>("SELECT kid FROM signing_keys WHERE retired_at IS NULL", transaction: transaction) is null
            && Insert(connection, transaction, keyId, _encryption.Protect(pem!, KeysAtRest.SigningKeySlot(keyId)), _clock.GetUtcNow()), exclusive: true);
        if (inserted)
        {
            if (legacyPath.Length > 0)
            {
                logger.LogInformation("Imported the signing key {KeyId} from {Path} into the database; the file is no longer read", keyId, legacyPath);
            }
            else
            {
                logger.LogInformation("Generated the signing key {KeyId}", keyId);
            }
        }
    }

    // ON CONFLICT DO NOTHING as well as the exclusive transaction: a second current key or a repeated kid is never an error here.
    // The value is the PEM as KeyEncryption stores it: encrypted under the key-encryption key when one is configured.
    private static bool Insert(IDbConnection connection, IDbTransaction transaction, string keyId, string pem, DateTimeOffset now) =>
        connection.Execute("""
            INSERT INTO signing_keys(kid, private_key, created_at, retired_at) VALUES (@keyId, @pem, @now, NULL)
            ON CONFLICT DO NOTHING
            """, new { keyId, pem, now = JsonColumns.Timestamp(now) }, transaction) == 1;

    private string? CurrentKeyId()
    {
        using var connection = _database.Open();
        return connection.ExecuteScalar<string?>("SELECT kid FROM signing_keys WHERE retired_at IS NULL");
    }

    private bool KeyExists(string keyId)
    {
        using var connection = _database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM signing_keys WHERE kid = @keyId", new { keyId }) > 0;
    }

    /// <summary>Reads the current key and the retired keys still published; keys already in memory are reused, not parsed again.</summary>
    private SigningKeySet Load(IReadOnlyList<RsaSecurityKey> known)
    {
        var now = _clock.GetUtcNow();
        var (revision, rows) = _database.InSnapshot((connection, transaction) =>
        (
            connection.ExecuteScalar<long>("SELECT value FROM revisions WHERE name = 'signing_keys'", transaction: transaction),
            connection.Query<(string Kid, string PrivateKey, string? RetiredAt)>("""
                SELECT kid, private_key, retired_at FROM signing_keys
                WHERE retired_at IS NULL OR retired_at > @cutoff
                ORDER BY retired_at IS NULL DESC, retired_at DESC, kid
                """, new { cutoff = JsonColumns.Timestamp(now - _longestTokenLifetime) }, transaction).ToList()
        ));

        var current = rows.FirstOrDefault(r => r.RetiredAt is null);
        if (current.Kid is null)
        {
            throw new InvalidOperationException("The store has no current signing key (signing_keys has no row with retired_at null).");
        }

        var keys = rows.Select(row => known.FirstOrDefault(k => k.KeyId == row.Kid) ?? Parse(row.Kid, _encryption.Unprotect(row.PrivateKey, KeysAtRest.SigningKeySlot(row.Kid)))).ToList();
        var nextExpiry = rows.Where(r => r.RetiredAt is not null)
            .Select(r => (DateTimeOffset?)JsonColumns.ReadTimestamp(r.RetiredAt!) + _longestTokenLifetime)
            .Min();
        return new SigningKeySet(revision, keys[0], keys, nextExpiry);
    }

    private static RsaSecurityKey Parse(string keyId, string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }
}

using System.Text.Json.Nodes;
using Dapper;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Redirect;

/// <summary>How a suspended login is completed when it continues.</summary>
public static class PendingLoginKinds
{
    public const string Login = "login";
    public const string Impersonation = "impersonation";
}

/// <summary>
/// A login a rule suspended with a redirect. <see cref="Login"/> holds the transaction the rules saw, the redirect
/// outcome and what completing the login needs (the authorize request, or the impersonation link); the columns
/// beside it are what the audit trail and the checks at /continue read.
/// </summary>
public sealed record PendingLogin
{
    public required string Kind { get; init; }
    public required string ClientId { get; init; }
    public required string UserId { get; init; }
    public required string Rule { get; init; }
    public required string RuleSetVersion { get; init; }
    public required string ResponseType { get; init; }
    public required string ResponseMode { get; init; }
    public string? State { get; init; }
    public required JsonObject Login { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>A short, non-secret id (a prefix of the state's hash) that ties the suspended, continued and refused entries together.</summary>
    public string PendingId { get; init; } = "";
}

/// <summary>Why a state brought to /continue finds no login to continue.</summary>
public enum ContinueRefusal
{
    /// <summary>No pending login has this state: made up, mistyped or altered.</summary>
    Unknown,

    /// <summary>It was continued already: a replayed link or a second tab.</summary>
    Used,

    /// <summary>It waited longer than <c>Rules:PendingLoginLifetime</c>.</summary>
    Expired,

    /// <summary>The browser is not the one that started the login (no or another binding cookie).</summary>
    OtherBrowser,
}

/// <summary>
/// The pending_logins table. Only SHA-256 hashes of the one-time state and of the browser's binding cookie are
/// stored. Taking a pending login is one <c>UPDATE … WHERE consumed_at IS NULL AND expires_at > now AND
/// browser_hash = … RETURNING</c>, so of any number of concurrent continues exactly one gets it (across instances
/// too); a request from another browser leaves it for the right one.
/// </summary>
public sealed class PendingLoginStore(Database database)
{
    public static string PendingId(string stateHash) => "pnd_" + stateHash[..16];

    /// <summary>How long a pending login is kept after it expired or was used, so a late continue is told "expired" or "used", not "unknown".</summary>
    public static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromDays(1);

    public void Insert(Writes writes, string state, string browserSecret, PendingLogin pending)
    {
        // Each suspension sweeps what can no longer be continued, so the table stays the size of a day's redirects.
        writes.Connection.Execute("DELETE FROM pending_logins WHERE expires_at < @cutoff",
            new { cutoff = JsonColumns.Timestamp(pending.CreatedAt - KeptAfterExpiry) }, writes.Transaction);
        writes.Connection.Execute("""
            INSERT INTO pending_logins(state_hash, browser_hash, kind, client_id, user_id, rule, rule_set_version, response_type, response_mode,
                state, login, created_at, expires_at)
            VALUES (@stateHash, @browserHash, @Kind, @ClientId, @UserId, @Rule, @RuleSetVersion, @ResponseType, @ResponseMode,
                @State, @login, @createdAt, @expiresAt)
            """, new
        {
            stateHash = Secrets.Hash(state),
            browserHash = Secrets.Hash(browserSecret),
            pending.Kind,
            pending.ClientId,
            pending.UserId,
            pending.Rule,
            pending.RuleSetVersion,
            pending.ResponseType,
            pending.ResponseMode,
            pending.State,
            login = JsonColumns.Write(pending.Login),
            createdAt = JsonColumns.Timestamp(pending.CreatedAt),
            expiresAt = JsonColumns.Timestamp(pending.ExpiresAt),
        }, writes.Transaction);
    }

    /// <summary>Takes the pending login for this state and browser, once; otherwise says why not (and what it was, when known).</summary>
    public (PendingLogin? Taken, ContinueRefusal Refusal, PendingLogin? Known) Take(string state, string? browserSecret, DateTimeOffset now)
    {
        var stateHash = Secrets.Hash(state);
        var at = JsonColumns.Timestamp(now);
        using var connection = database.Open();
        if (browserSecret is not null)
        {
            var taken = connection.QuerySingleOrDefault<Row?>($"""
                UPDATE pending_logins SET consumed_at = @at
                WHERE state_hash = @stateHash AND consumed_at IS NULL AND expires_at > @at AND browser_hash = @browserHash
                RETURNING {Row.Columns}
                """, new { stateHash, at, browserHash = Secrets.Hash(browserSecret) });
            if (taken is { } row)
            {
                return (row.ToPending(stateHash), default, null);
            }
        }

        // Not taken: read it only to say why. Nothing here can take it.
        var known = connection.QuerySingleOrDefault<Row?>($"SELECT {Row.Columns} FROM pending_logins WHERE state_hash = @stateHash", new { stateHash });
        if (known is not { } found)
        {
            return (null, ContinueRefusal.Unknown, null);
        }
        var refusal = found.ConsumedAt is not null ? ContinueRefusal.Used
            : JsonColumns.ReadTimestamp(found.ExpiresAt) <= now ? ContinueRefusal.Expired
            : ContinueRefusal.OtherBrowser;
        return (null, refusal, found.ToPending(stateHash));
    }

    private sealed record Row(string Kind, string ClientId, string UserId, string Rule, string RuleSetVersion, string ResponseType, string ResponseMode,
        string? State, string Login, string CreatedAt, string ExpiresAt, string? ConsumedAt)
    {
        public const string Columns = "kind AS Kind, client_id AS ClientId, user_id AS UserId, rule AS Rule, rule_set_version AS RuleSetVersion, "
            + "response_type AS ResponseType, response_mode AS ResponseMode, state AS State, login AS Login, created_at AS CreatedAt, "
            + "expires_at AS ExpiresAt, consumed_at AS ConsumedAt";

        public PendingLogin ToPending(string stateHash) => new()
        {
            Kind = Kind,
            ClientId = ClientId,
            UserId = UserId,
            Rule = Rule,
            RuleSetVersion = RuleSetVersion,
            ResponseType = ResponseType,
            ResponseMode = ResponseMode,
            State = State,
            Login = JsonColumns.ReadObject(Login),
            CreatedAt = JsonColumns.ReadTimestamp(CreatedAt),
            ExpiresAt = JsonColumns.ReadTimestamp(ExpiresAt),
            PendingId = PendingId(stateHash),
        };
    }
}

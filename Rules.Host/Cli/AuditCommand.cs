using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Audit;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules audit verify|export|checkpoint [--data DIR | --database CONN]</c>: checks the audit trail's hash chain and
/// signed checkpoints, exports entries with their hashes for a SIEM, or signs the chain's head now. The store is opened
/// as it is, never migrated or created: a store without the chain is bad input.
/// </summary>
public static class AuditCommand
{
    public sealed record StoreParameters(string Data = "data", string? Database = null);

    public const string Examples = """
        Examples:
          rules audit verify --data ./data
          rules audit verify --database "Host=db;Database=rules;Username=auditor;Password=…"
          rules audit export --since 2026-12-01 --format jsonl --data ./data > audit.jsonl
          rules audit checkpoint --data ./data

        verify walks the chain and the checkpoints: exit 0 and how many entries and checkpoints verified, or exit 1 and
        the first entry changed, deleted or inserted out of order (and any rewritten checkpoint). Exit 2: bad input
        (no store there, or one the server has not yet migrated to the audit chain). docs/operations.md has the threat model.
        """;

    public static Command Build(TextWriter output, TextWriter error)
    {
        var audit = new Command("audit", "Verify, export or checkpoint the tamper-evident audit trail.\n\n" + Examples);

        var verify = new Command("verify", "Walk the audit chain and its checkpoints; name the first entry changed, deleted or inserted out of order.");
        var (verifyData, verifyDatabase) = AddStoreOptions(verify);
        verify.SetAction(result => Verify(new StoreParameters(result.GetValue(verifyData)!, result.GetValue(verifyDatabase)), output, error));
        audit.Subcommands.Add(verify);

        var export = new Command("export", "Write audit entries (with prev_hash and hash) and checkpoints as JSON lines, oldest first.");
        var (exportData, exportDatabase) = AddStoreOptions(export);
        var since = new Option<string?>("--since") { Description = "Only entries (and checkpoints) from this date or time on (ISO 8601, UTC unless it says otherwise)" };
        var format = new Option<string>("--format") { Description = "Output format: jsonl", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl");
        export.Options.Add(since);
        export.Options.Add(format);
        export.SetAction(result => Export(new StoreParameters(result.GetValue(exportData)!, result.GetValue(exportDatabase)), result.GetValue(since), output, error));
        audit.Subcommands.Add(export);

        var checkpoint = new Command("checkpoint", "Sign the audit chain's head now with the tenant's current signing key.");
        var (checkpointData, checkpointDatabase) = AddStoreOptions(checkpoint);
        checkpoint.SetAction(result => Checkpoint(new StoreParameters(result.GetValue(checkpointData)!, result.GetValue(checkpointDatabase)), output, error));
        audit.Subcommands.Add(checkpoint);
        return audit;
    }

    public static int Verify(StoreParameters parameters, TextWriter output, TextWriter error) => WithStore(parameters, error, database =>
    {
        var result = AuditChainVerifier.Verify(database);
        if (!result.Intact)
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine($"TAMPERED: {problem}");
            }
            error.WriteLine($"the audit trail of {database} does not verify");
            return ExitCodes.Failed;
        }
        output.WriteLine($"verified {result.Entries} entries and {result.Checkpoints} checkpoints in {database}");
        return ExitCodes.Ok;
    });

    public static int Export(StoreParameters parameters, string? since, TextWriter output, TextWriter error)
    {
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                error.WriteLine($"error: --since '{since}' is not a date or time (ISO 8601, e.g. 2026-12-01 or 2026-12-01T08:00:00Z)");
                return ExitCodes.BadInput;
            }
            from = parsed;
        }
        return WithStore(parameters, error, database =>
        {
            using (var connection = database.Open())
            {
                var rows = connection.Query<StoredEntry>(
                    $"SELECT seq AS Seq, {StoredEntry.Select} FROM audit_log WHERE (@from IS NULL OR date >= @from) ORDER BY seq",
                    new { from = from is { } f ? JsonColumns.Timestamp(f) : null }, buffered: false);
                foreach (var row in rows)
                {
                    output.WriteLine(ToJson(row).ToJsonString());
                }
            }
            foreach (var checkpoint in AuditCheckpoints.List(database, from))
            {
                output.WriteLine(AuditCheckpoints.ToJson(checkpoint).ToJsonString());
            }
            return ExitCodes.Ok;
        });
    }

    public static int Checkpoint(StoreParameters parameters, TextWriter output, TextWriter error) => WithStore(parameters, error, database =>
    {
        var options = Options.Create(new RulesHostOptions { DataDirectory = parameters.Data });
        var made = new AuditCheckpoints(database, new SigningKeys(database, options, TimeProvider.System), TimeProvider.System).Create()!;
        output.WriteLine($"checkpoint #{made.Id}: {made.Entries} entries, head {made.Head}, signed with key {made.KeyId}");
        return ExitCodes.Ok;
    });

    /// <summary>
    /// One export line: the columns exactly as stored (details as its stored JSON text, since that text is what is
    /// hashed), so anyone can recompute <c>hash</c> from <c>prev_hash</c> and the line (docs/operations.md).
    /// </summary>
    public static JsonObject ToJson(StoredEntry row) => new()
    {
        ["seq"] = row.Seq,
        ["log_id"] = row.LogId,
        ["date"] = row.Date,
        ["type"] = row.Type,
        ["description"] = row.Description,
        ["client_id"] = row.ClientId,
        ["client_name"] = row.ClientName,
        ["user_id"] = row.UserId,
        ["user_name"] = row.UserName,
        ["impersonator_id"] = row.ImpersonatorId,
        ["impersonator_email"] = row.ImpersonatorEmail,
        ["ip"] = row.Ip,
        ["user_agent"] = row.UserAgent,
        ["details"] = row.Details,
        ["prev_hash"] = row.PrevHash,
        ["hash"] = row.Hash,
    };

    private static (Option<string> Data, Option<string?> Database) AddStoreOptions(Command command)
    {
        var data = new Option<string>("--data") { Description = "Data directory of the embedded SQLite store (unused with --database)", DefaultValueFactory = _ => "data" };
        var database = new Option<string?>("--database") { Description = "Store connection string (PostgreSQL or a SQLite file), as given to rules serve" };
        command.Options.Add(data);
        command.Options.Add(database);
        return (data, database);
    }

    private static int WithStore(StoreParameters parameters, TextWriter error, Func<Database, int> work)
    {
        if (parameters.Database is null && !File.Exists(Path.Combine(parameters.Data, "rules.db")))
        {
            error.WriteLine($"error: no store in '{parameters.Data}' (no rules.db there); give the server's --data or --database");
            return ExitCodes.BadInput;
        }
        Database database;
        try
        {
            database = parameters.Database is { } connectionString ? Database.Create(connectionString) : new SqliteDatabase(Path.Combine(parameters.Data, "rules.db"));
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"error: --database is not a valid connection string: {e.Message}");
            return ExitCodes.BadInput;
        }
        using (database)
        {
            try
            {
                if (database.SchemaVersion() < MigrationSteps.AuditChain)
                {
                    error.WriteLine($"error: {database} has no audit chain yet (schema version {database.SchemaVersion()}); start rules serve on it once to migrate it");
                    return ExitCodes.BadInput;
                }
                return work(database);
            }
            catch (System.Data.Common.DbException e)
            {
                error.WriteLine($"error: cannot read {database}: {e.Message}");
                return ExitCodes.BadInput;
            }
        }
    }
}

using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Rules.Host.Audit;
using Rules.Host.Cli;
using Rules.Host.Hosting;
using Rules.Host.OAuth;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// The tamper-evident audit trail on both stores: the chain and its checkpoints verify on an untouched store, and each
/// kind of tampering (an edited row, a deleted one, one inserted out of order, a rewritten checkpoint, a cut tail under
/// a checkpoint) is named; concurrent appends from two handles keep one chain; a store from before the chain is chained
/// when it is migrated.
/// </summary>
public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 15, 0, 0, TimeSpan.Zero);
    private readonly FixedClock _clock = new(Now);

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_untouched_store_verifies_with_its_entries_and_checkpoints(string kind)
    {
        using var store = TestStore.Create(kind);
        Append(store.Database, 5);
        Checkpoints(store).Create();
        Append(store.Database, 3);
        Checkpoints(store).Create();

        var result = AuditChainVerifier.Verify(store.Database);

        result.Problems.Should().BeEmpty();
        result.Entries.Should().Be(8);
        result.Checkpoints.Should().Be(2);
        var (code, output, _) = VerifyCli(store);
        code.Should().Be(ExitCodes.Ok);
        output.Should().Contain("verified 8 entries and 2 checkpoints");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_edited_entry_is_named(string kind)
    {
        using var store = TestStore.Create(kind);
        var ids = Append(store.Database, 6);
        Execute(store, "UPDATE audit_log SET description = 'nothing happened' WHERE log_id = @id", new { id = ids[3] });

        var (code, _, error) = VerifyCli(store);

        code.Should().Be(ExitCodes.Failed);
        error.Should().Contain($"entry {ids[3]}").And.Contain("was changed after it was written");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_edited_entry_whose_hash_was_recomputed_is_caught_by_the_next_entry_and_by_a_checkpoint(string kind)
    {
        using var store = TestStore.Create(kind);
        var ids = Append(store.Database, 6);
        Checkpoints(store).Create();
        // The attacker knows the algorithm and re-hashes the edited entry and everything after it, head included.
        Execute(store, "UPDATE audit_log SET user_id = 'auth0|someone-else' WHERE log_id = @id", new { id = ids[2] });
        Rehash(store);

        var result = AuditChainVerifier.Verify(store.Database);

        result.Problems.Should().ContainSingle().Which.Should().Contain($"entry {ids[5]}").And.Contain("checkpoint #1");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_deleted_entry_in_the_middle_is_named_by_the_entry_after_it(string kind)
    {
        using var store = TestStore.Create(kind);
        var ids = Append(store.Database, 6);
        Execute(store, "DELETE FROM audit_log WHERE log_id = @id", new { id = ids[2] });

        var (code, _, error) = VerifyCli(store);

        code.Should().Be(ExitCodes.Failed);
        error.Should().Contain($"entry {ids[3]}").And.Contain($"does not follow the entry before it ({ids[1]})").And.Contain("deleted");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_entry_inserted_out_of_order_is_named(string kind)
    {
        using var store = TestStore.Create(kind);
        var ids = Append(store.Database, 5);
        using (var connection = store.Database.Open())
        {
            // A well-formed, correctly hashed entry that claims to follow the second one: slipped in after the fact.
            var second = connection.QuerySingle<StoredEntry>($"SELECT seq AS Seq, {StoredEntry.Select} FROM audit_log WHERE log_id = @id", new { id = ids[1] });
            var forged = second with { LogId = "log_forged", Description = "impersonation approved by the security team", PrevHash = second.Hash };
            forged = forged with { Hash = AuditChain.Hash(forged.PrevHash!, forged) };
            connection.Execute($"""
                INSERT INTO audit_log(log_id, date, type, description, user_id, details, prev_hash, hash)
                VALUES (@LogId, @Date, @Type, @Description, @UserId, @Details, @PrevHash, @Hash)
                """, forged with { ClientId = null, ClientName = null, UserName = null, ImpersonatorId = null, ImpersonatorEmail = null, Ip = null, UserAgent = null });
        }

        var (code, _, error) = VerifyCli(store);

        code.Should().Be(ExitCodes.Failed);
        error.Should().Contain("entry log_forged").And.Contain("inserted out of order");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void A_rewritten_checkpoint_is_named(string kind)
    {
        using var store = TestStore.Create(kind);
        Append(store.Database, 4);
        var checkpoint = Checkpoints(store).Create()!;
        Append(store.Database, 2);
        // Moving the signed head back would hide later deletions: the columns no longer say what was signed.
        Execute(store, "UPDATE audit_checkpoints SET entries = 2 WHERE id = @Id", new { checkpoint.Id });

        var (code, _, error) = VerifyCli(store);

        code.Should().Be(ExitCodes.Failed);
        error.Should().Contain($"checkpoint #{checkpoint.Id}").And.Contain("rewritten");

        // A re-signed token with a key the store does not hold fails its signature.
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var stranger = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa) { KeyId = checkpoint.KeyId };
        var forged = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["typ"] = AuditCheckpoints.TokenType, ["entries"] = 2L, ["head"] = checkpoint.Head },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(stranger, "RS256"),
        });
        Execute(store, "UPDATE audit_checkpoints SET token = @forged WHERE id = @Id", new { forged, checkpoint.Id });

        AuditChainVerifier.Verify(store.Database).Problems.Should().ContainSingle().Which.Should()
            .Contain($"checkpoint #{checkpoint.Id}").And.Contain("signature does not verify");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Entries_cut_from_the_end_are_found_by_the_checkpoint_that_signed_them(string kind)
    {
        using var store = TestStore.Create(kind);
        var ids = Append(store.Database, 6);
        Checkpoints(store).Create();
        foreach (var id in ids[4..])
        {
            Execute(store, "DELETE FROM audit_log WHERE log_id = @id", new { id });
        }
        // Even with the head rewritten to match, the signed checkpoint still counts six.
        Rehash(store);

        var result = AuditChainVerifier.Verify(store.Database);

        result.Problems.Should().ContainSingle().Which.Should().Contain("checkpoint #1 signed 6 entries but the chain holds 4");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Concurrent_appends_from_two_handles_keep_one_chain(string kind)
    {
        using var store = TestStore.Create(kind);
        using var other = store.OpenAnother();
        var handles = new[] { store.Database, other };

        Parallel.For(0, 80, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            new AuditLog(handles[i % 2]).Write(Entry($"concurrent {i}")));
        Checkpoints(store).Create();

        var result = AuditChainVerifier.Verify(other);
        result.Problems.Should().BeEmpty();
        result.Entries.Should().Be(80);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void Entries_written_before_the_chain_existed_are_chained_by_the_migration(string kind)
    {
        using var store = TestStore.CreateUnmigrated(kind);
        ApplyUpTo(store, MigrationSteps.AuditChain - 1);
        using (var connection = store.Database.Open())
        {
            for (var i = 0; i < 3; i++)
            {
                connection.Execute("INSERT INTO audit_log(log_id, date, type, description, details) VALUES (@id, '2026-03-01T00:00:00.0000000Z', 's', 'old', '{}')",
                    new { id = $"log_old{i}" });
            }
        }

        store.Database.Migrate();
        new AuditLog(store.Database).Write(Entry("after the upgrade"));

        var result = AuditChainVerifier.Verify(store.Database);
        result.Problems.Should().BeEmpty();
        result.Entries.Should().Be(4);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void The_export_carries_each_entry_with_hashes_a_third_party_can_recompute(string kind)
    {
        using var store = TestStore.Create(kind);
        Append(store.Database, 3);
        Checkpoints(store).Create();
        var output = new StringWriter();

        AuditCommand.Export(new AuditCommand.StoreParameters(Database: store.ConnectionString), "2026-03-01", output, new StringWriter()).Should().Be(ExitCodes.Ok);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        lines.Should().HaveCount(4);
        var previous = AuditChain.Genesis;
        foreach (var line in lines.Take(3))
        {
            line["prev_hash"]!.GetValue<string>().Should().Be(previous);
            var entry = new StoredEntry
            {
                LogId = line["log_id"]!.GetValue<string>(), Date = line["date"]!.GetValue<string>(), Type = line["type"]!.GetValue<string>(),
                Description = line["description"]?.GetValue<string>(), UserId = line["user_id"]?.GetValue<string>(), Details = line["details"]!.GetValue<string>(),
            };
            AuditChain.Hash(previous, entry).Should().Be(line["hash"]!.GetValue<string>());
            previous = line["hash"]!.GetValue<string>();
        }
        lines[3]["head"]!.GetValue<string>().Should().Be(previous);
        lines[3]["entries"]!.GetValue<long>().Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public async Task The_cli_checkpoints_on_demand_and_verifies_and_refuses_a_missing_store(string kind)
    {
        using var store = TestStore.Create(kind);
        Append(store.Database, 2);

        var (checkpointed, checkpointOutput, _) = await Cli("audit", "checkpoint", "--database", store.ConnectionString);
        var (verified, verifyOutput, _) = await Cli("audit", "verify", "--database", store.ConnectionString);
        var (missing, _, missingError) = await Cli("audit", "verify", "--data", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N")));

        checkpointed.Should().Be(ExitCodes.Ok);
        checkpointOutput.Should().StartWith("checkpoint #1: 2 entries, head ");
        verified.Should().Be(ExitCodes.Ok);
        verifyOutput.Should().Contain("verified 2 entries and 1 checkpoints");
        missing.Should().Be(ExitCodes.BadInput);
        missingError.Should().Contain("no store in");
    }

    private static async Task<(int Code, string Output, string Error)> Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, TextReader.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private string[] Append(Database database, int count)
    {
        var audit = new AuditLog(database);
        return Enumerable.Range(0, count).Select(i =>
        {
            var entry = Entry($"entry {i}");
            audit.Write(entry);
            return entry.LogId;
        }).ToArray();
    }

    private AuditEntry Entry(string description) => new()
    {
        Date = _clock.GetUtcNow(),
        Type = "s",
        Description = description,
        UserId = "auth0|jordan",
        Details = new JsonObject { ["decision"] = "allow" },
    };

    private AuditCheckpoints Checkpoints(TestStore store) =>
        new(store.Database, new SigningKeys(store.Database, Options.Create(new RulesHostOptions { DataDirectory = Path.GetTempPath() }), _clock), _clock);

    private static (int Code, string Output, string Error) VerifyCli(TestStore store)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = AuditCommand.Verify(new AuditCommand.StoreParameters(Database: store.ConnectionString), output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static void Execute(TestStore store, string sql, object? parameters = null)
    {
        using var connection = store.Database.Open();
        connection.Execute(sql, parameters);
    }

    /// <summary>What an attacker who knows the algorithm does after editing: re-chains every entry and rewrites the head.</summary>
    private static void Rehash(TestStore store)
    {
        using var connection = store.Database.Open();
        var previous = AuditChain.Genesis;
        var rows = connection.Query<StoredEntry>($"SELECT seq AS Seq, {StoredEntry.Select} FROM audit_log ORDER BY seq").ToList();
        foreach (var row in rows)
        {
            var hash = AuditChain.Hash(previous, row);
            connection.Execute("UPDATE audit_log SET prev_hash = @previous, hash = @hash WHERE seq = @Seq", new { previous, hash, row.Seq });
            previous = hash;
        }
        connection.Execute("UPDATE audit_chain SET entries = @count, head = @previous", new { count = rows.Count, previous });
    }

    /// <summary>Applies the schema versions up to <paramref name="version"/> as a server of that version would have.</summary>
    private static void ApplyUpTo(TestStore store, long version)
    {
        using var connection = store.Database.Open();
        var postgres = store.Kind == TestStore.Postgres;
        if (postgres)
        {
            connection.Execute("CREATE TABLE schema_version (version BIGINT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
        foreach (var (number, sql) in (postgres ? PostgresMigrations.All : SqliteMigrations.All).Where(m => m.Version <= version).OrderBy(m => m.Version))
        {
            connection.Execute(sql);
            connection.Execute(postgres ? $"INSERT INTO schema_version(version) VALUES ({number})" : $"PRAGMA user_version = {number}");
        }
    }
}

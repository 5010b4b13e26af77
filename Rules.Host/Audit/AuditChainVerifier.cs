using Dapper;
using Rules.Host.OAuth;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>What <see cref="AuditChainVerifier"/> found: counts, and the problems (empty when the chain is intact).</summary>
public sealed record AuditVerification(long Entries, int Checkpoints, IReadOnlyList<string> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Walks the audit chain in order and the checkpoints, and names the first entry that was changed, deleted or inserted
/// out of order, any checkpoint that was rewritten, and entries missing after a checkpoint. What it cannot see (a tail
/// cut after the last checkpoint, with the head row rewritten to match) is spelled out in docs/operations.md.
/// </summary>
public static class AuditChainVerifier
{
    public static AuditVerification Verify(Database database)
    {
        var problems = new List<string>();
        var keys = SigningKeys.ReadAll(database);
        var stored = AuditCheckpoints.List(database);
        var signed = new Dictionary<long, (long Id, string Head)>();
        foreach (var checkpoint in stored)
        {
            if (AuditCheckpoints.Verify(checkpoint, keys, out var problem) is { } head)
            {
                signed.TryAdd(head.Entries, (checkpoint.Id, head.Head));
            }
            else
            {
                problems.Add(problem!);
            }
        }

        var (entries, chainProblem, chainHead, lastHash) = database.InSnapshot((connection, transaction) =>
        {
            var previous = AuditChain.Genesis;
            string? previousLogId = null;
            var position = 0L;
            string? found = null;
            foreach (var row in connection.Query<StoredEntry>($"SELECT seq AS Seq, {StoredEntry.Select} FROM audit_log ORDER BY seq", transaction: transaction, buffered: false))
            {
                position++;
                var name = $"entry {row.LogId} (seq {row.Seq}, position {position}, {row.Date}, type {row.Type})";
                if (row.Hash is null || row.PrevHash is null)
                {
                    found = $"{name} has no hash: it was inserted outside the chain";
                }
                else if (row.PrevHash != previous)
                {
                    found = $"{name} does not follow the entry before it ({previousLogId ?? "the start of the chain"}): an entry between them was deleted, or this one was inserted out of order";
                }
                else if (AuditChain.Hash(row.PrevHash, row) != row.Hash)
                {
                    found = $"{name} was changed after it was written: its content no longer matches its hash";
                }
                else if (signed.TryGetValue(position, out var checkpoint) && checkpoint.Head != row.Hash)
                {
                    found = $"{name} is not the entry checkpoint #{checkpoint.Id} signed at position {position}: entries up to here were changed, deleted or inserted, and re-hashed";
                }
                if (found is not null)
                {
                    break;
                }
                previous = row.Hash!;
                previousLogId = row.LogId;
            }
            var head = connection.QuerySingleOrDefault<(long Entries, string Head)?>("SELECT entries, head FROM audit_chain WHERE id = 1", transaction: transaction);
            return (position, found, head, previous);
        });

        if (chainProblem is not null)
        {
            problems.Add(chainProblem);
        }
        else
        {
            foreach (var (signedEntries, checkpoint) in signed.Where(s => s.Key > entries).OrderBy(s => s.Key))
            {
                problems.Add($"checkpoint #{checkpoint.Id} signed {signedEntries} entries but the chain holds {entries}: entries after position {entries} were deleted");
            }
            if (chainHead is not { } head)
            {
                problems.Add("the chain's head (audit_chain) is missing");
            }
            else if (head.Entries != entries)
            {
                problems.Add($"the chain's head counts {head.Entries} entries but {entries} are stored: entries at the end were deleted, or appended outside the chain");
            }
            else if (head.Head != lastHash)
            {
                problems.Add("the chain's head does not name the last entry's hash: the end of the chain was rewritten");
            }
        }
        return new AuditVerification(entries, stored.Count, problems);
    }
}

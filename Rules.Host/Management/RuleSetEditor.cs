using System.Data;
using Rules.Engine.Compilation;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.Management;

/// <summary>
/// The outcome of a rules or rules-configs write: the result and the rule-set version now live, or the error. When the
/// candidate set did not compile, <see cref="CompileErrors"/> holds the compiler's errors (file, line, column) that the
/// error message lists, for callers that show them next to the source (the Dashboard's editor).
/// </summary>
public sealed record RuleSetEdit<T>(T? Value, string? Version, Auth0Error? Error, IReadOnlyList<RuleCompilationError>? CompileErrors = null)
{
    public bool IsError => Error is not null;
}

/// <summary>
/// Every write to rules or rules_configs goes through here: it reads the current rows, applies the change to a
/// draft, compiles the WHOLE candidate rule set, and only if that compiles saves the change (one transaction) and
/// reloads the live pipeline, so the change is live when the response is sent. A set that does not compile is
/// refused with the compiler's file:line:col messages and nothing is saved. Each change is audited, with who made it
/// and a diff of each rule's script, in the same transaction (<see cref="ChangeEntries"/>). Writes are serialised: two concurrent
/// edits can never each compile against a set the other one is about to change.
/// </summary>
public sealed class RuleSetEditor(Database database, RuleSetProvider provider, AuditLog audit, TimeProvider clock, ILogger<RuleSetEditor> logger)
{
    private readonly Lock _gate = new();

    /// <summary>Why writes are refused (rules served from a --rules directory), or null when they are allowed.</summary>
    public Auth0Error? ReadOnly => provider.FromDirectory ? ManagementResults.RulesReadOnly(provider.Source) : null;

    public RuleSetEdit<StoredRule> CreateRule(RuleCreateRequest request, ChangeActor actor) => Edit(actor, draft =>
    {
        if (draft.Rules.Any(r => r.Name == request.Name))
        {
            return NameTaken<StoredRule>(request.Name);
        }
        var order = request.Order ?? (draft.Rules.Count == 0 ? 1 : draft.Rules.Max(r => r.Order) + 1);
        var rule = new StoredRule(RuleStore.NewRuleId(), request.Name, request.Script, order, request.Enabled ?? true, StoredRule.LoginSuccess);
        return new Proposal<StoredRule>(draft with { Rules = [.. draft.Rules, rule] }, (c, t, now) => RuleStore.Insert(c, t, rule, now), rule);
    });

    public RuleSetEdit<StoredRule> UpdateRule(string id, RuleUpdateRequest request, ChangeActor actor) => Edit(actor, draft =>
    {
        if (draft.Rules.FirstOrDefault(r => r.Id == id) is not { } current)
        {
            return RuleNotFound<StoredRule>();
        }
        if (request.Name is { } name && name != current.Name && draft.Rules.Any(r => r.Name == name))
        {
            return NameTaken<StoredRule>(name);
        }
        var rule = current with
        {
            Name = request.Name ?? current.Name,
            Script = request.Script ?? current.Script,
            Order = request.Order ?? current.Order,
            Enabled = request.Enabled ?? current.Enabled,
        };
        return new Proposal<StoredRule>(draft with { Rules = draft.Rules.Select(r => r.Id == id ? rule : r).ToArray() },
            (c, t, now) => RuleStore.Update(c, t, rule, now), rule);
    });

    public RuleSetEdit<StoredRule> DeleteRule(string id, ChangeActor actor) => Edit(actor, draft =>
        draft.Rules.FirstOrDefault(r => r.Id == id) is { } rule
            ? new Proposal<StoredRule>(draft with { Rules = draft.Rules.Where(r => r.Id != id).ToArray() }, (c, t, _) => RuleStore.Delete(c, t, id), rule)
            : RuleNotFound<StoredRule>());

    /// <summary>
    /// Puts the rules in the given order (orders 1..n), in one transaction and one compile: moving a rule is one change
    /// of version, never a half-applied swap. <paramref name="orderedIds"/> must name every rule exactly once.
    /// </summary>
    public RuleSetEdit<IReadOnlyList<StoredRule>> ReorderRules(IReadOnlyList<string> orderedIds, ChangeActor actor) => Edit(actor, draft =>
    {
        if (orderedIds.Count != draft.Rules.Count || orderedIds.Distinct(StringComparer.Ordinal).Count() != draft.Rules.Count
            || orderedIds.Any(id => draft.Rules.All(r => r.Id != id)))
        {
            return new Proposal<IReadOnlyList<StoredRule>>(Auth0Error.BadRequest("The new order must name every rule exactly once.", "invalid_order"));
        }
        var reordered = orderedIds.Select((id, index) => draft.Rules.Single(r => r.Id == id) with { Order = index + 1 }).ToArray();
        return new Proposal<IReadOnlyList<StoredRule>>(draft with { Rules = reordered }, (c, t, now) =>
        {
            foreach (var rule in reordered)
            {
                RuleStore.Update(c, t, rule, now);
            }
        }, reordered);
    });

    public RuleSetEdit<string> SetConfig(string key, string value, ChangeActor actor) => Edit(actor, draft =>
        new Proposal<string>(draft with { Configuration = new Dictionary<string, string>(draft.Configuration, StringComparer.Ordinal) { [key] = value } },
            (c, t, _) => RuleStore.SetConfig(c, t, key, value), value));

    public RuleSetEdit<bool> DeleteConfig(string key, ChangeActor actor) => Edit(actor, draft =>
    {
        var configuration = new Dictionary<string, string>(draft.Configuration, StringComparer.Ordinal);
        var existed = configuration.Remove(key);
        return new Proposal<bool>(draft with { Configuration = configuration }, (c, t, _) => RuleStore.DeleteConfig(c, t, key), existed);
    });

    private RuleSetEdit<T> Edit<T>(ChangeActor actor, Func<RuleSetDraft, Proposal<T>> propose)
    {
        if (ReadOnly is { } readOnly)
        {
            return new RuleSetEdit<T>(default, null, readOnly);
        }

        lock (_gate)
        {
            using var connection = database.Open();
            using var transaction = database.BeginWrite(connection, exclusive: true);
            var before = RuleStore.ReadDraft(connection, transaction);
            var proposal = propose(before);
            if (proposal.Error is { } refused)
            {
                return new RuleSetEdit<T>(default, null, refused);
            }

            var candidate = proposal.Draft.ToRuleSet();
            var compilation = RuleCompiler.Compile(candidate, provider.Sandbox, provider.Scripts);
            if (!compilation.Succeeded)
            {
                return new RuleSetEdit<T>(default, null, Auth0Error.BadRequest(
                    "The rule set does not compile, so nothing was saved:\n" + string.Join("\n", compilation.Errors.Select(e => e.Format())),
                    "invalid_script"), compilation.Errors);
            }

            var now = clock.GetUtcNow();
            proposal.Write!(connection, transaction, now);
            // Who changed what, with the rules' diffs, in the change's own transaction (last: it takes the chain's head).
            foreach (var entry in ChangeEntries.ForRuleSet(before, proposal.Draft, actor, now, rule => rule.Id))
            {
                audit.Write(new Writes(connection, transaction), entry);
            }
            transaction.Commit();

            provider.Reload();
            var live = provider.Current?.Version;
            if (live != candidate.Version)
            {
                // Only possible if something outside this API changed the tables in between; the response names what is live.
                logger.LogWarning("Rule set {Candidate} was saved but {Live} is live: {Error}", candidate.Version, live ?? "nothing", provider.LastError);
            }
            return new RuleSetEdit<T>(proposal.Value, live ?? candidate.Version, null);
        }
    }

    private static Proposal<T> RuleNotFound<T>() => new(Auth0Error.NotFound("The rule does not exist.", "inexistent_rule"));

    private static Proposal<T> NameTaken<T>(string name) => new(Auth0Error.Conflict($"A rule with the name '{name}' already exists.", "rule_conflict"));

    private sealed record Proposal<T>(RuleSetDraft Draft, Action<IDbConnection, IDbTransaction, DateTimeOffset>? Write, T? Value, Auth0Error? Error = null)
    {
        public Proposal(Auth0Error error) : this(null!, null, default, error)
        {
        }
    }
}

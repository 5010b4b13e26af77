using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;

namespace Rules.Engine.Runtime;

/// <summary>What rules record during one login: console output and metadata updates. Reset between logins.</summary>
internal sealed class LoginState(int maxLogEntries, int maxLogEntryLength)
{
    private readonly List<string> _logs = [];
    private readonly List<MetadataUpdate> _metadataUpdates = [];
    private readonly List<MetadataUpdate> _batches = [];
    private int _droppedLogs;

    public string CurrentRule { get; set; } = "";

    /// <summary>The host's <c>auth0</c> values for this login, or null.</summary>
    public Auth0Globals? Auth0 { get; set; }

    public bool LogAccepting => _logs.Count < maxLogEntries;

    /// <summary>Asked before a console call formats its arguments, so a full log costs nothing; counts what it turns away.</summary>
    public bool TryAcceptLog()
    {
        if (LogAccepting)
        {
            return true;
        }
        _droppedLogs++;
        return false;
    }

    public void Reset()
    {
        _logs.Clear();
        _metadataUpdates.Clear();
        _batches.Clear();
        _droppedLogs = 0;
        CurrentRule = "";
        Auth0 = null;
    }

    /// <summary>A continued login keeps what the actions before the one that redirected recorded in the suspended run.</summary>
    public void Carry(IReadOnlyList<MetadataUpdate> updates)
    {
        foreach (var update in updates)
        {
            _metadataUpdates.Add(update with { Metadata = (JsonObject)update.Metadata.DeepClone() });
        }
    }

    public void AddRuleLog(string text)
    {
        if (!LogAccepting)
        {
            _droppedLogs++;
            return;
        }

        // A rule that logs auth0.accessToken must not put a Management API token in the decision log.
        if (Auth0?.IssuedToken is { } token && text.Contains(token, StringComparison.Ordinal))
        {
            text = text.Replace(token, "[auth0.accessToken]", StringComparison.Ordinal);
        }
        if (text.Length > maxLogEntryLength)
        {
            text = string.Concat(text.AsSpan(0, maxLogEntryLength), $"… ({text.Length - maxLogEntryLength} more characters)");
        }
        _logs.Add($"[{CurrentRule}] {text}");
    }

    /// <summary>Notes from the pipeline itself; they bypass the rule's log bound so they are never lost.</summary>
    public void AddSystemLog(string text) => _logs.Add($"[pipeline] {text}");

    public void AddMetadataUpdate(MetadataKind kind, string userId, JsonObject metadata) =>
        _metadataUpdates.Add(new MetadataUpdate(kind, userId, metadata, CurrentRule));

    /// <summary>
    /// An action's <c>api.user.setAppMetadata(key, value)</c>: Auth0 batches these and saves them once after the action,
    /// so all keys one action sets for one user become one update (a later call for the same key wins).
    /// </summary>
    public void SetMetadataKey(MetadataKind kind, string userId, string key, JsonNode? value)
    {
        foreach (var batch in _batches)
        {
            if (batch.Kind == kind && batch.UserId == userId && batch.Rule == CurrentRule)
            {
                batch.Metadata[key] = value;
                return;
            }
        }

        var update = new MetadataUpdate(kind, userId, new JsonObject { [key] = value }, CurrentRule);
        _batches.Add(update);
        _metadataUpdates.Add(update);
    }

    public IReadOnlyList<string> TakeLogs()
    {
        if (_droppedLogs > 0)
        {
            _logs.Add($"[pipeline] {_droppedLogs} more console lines were dropped (sandbox limit MaxLogEntries = {maxLogEntries})");
        }
        return _logs.Count == 0 ? [] : _logs.ToArray();
    }

    public IReadOnlyList<MetadataUpdate> TakeMetadataUpdates() => _metadataUpdates.Count == 0 ? [] : _metadataUpdates.ToArray();
}

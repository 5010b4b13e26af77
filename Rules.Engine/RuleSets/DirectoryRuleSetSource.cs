namespace Rules.Engine.RuleSets;

/// <summary>
/// Rules read from a directory (<see cref="RuleSetDirectory"/>: our layout or a Deploy CLI export) and watched for
/// changes. Edits come in bursts (an editor saves, a deploy copies many files), so a change is reported once the
/// directory has been quiet for <see cref="Debounce"/>.
/// </summary>
public sealed class DirectoryRuleSetSource(string path) : IRuleSetSource
{
    /// <summary>How long the directory must be quiet before a change is reported.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    /// <summary>The directory (or Deploy CLI YAML file) as given.</summary>
    public string Path { get; } = path;

    /// <inheritdoc/>
    public string Description => $"directory {Path}";

    /// <inheritdoc/>
    public string Key => $"directory {System.IO.Path.GetFullPath(Path)}";

    /// <inheritdoc/>
    public RuleSet Load() => RuleSetDirectory.Load(Path);

    /// <inheritdoc/>
    public IDisposable Watch(Action changed)
    {
        // A Deploy CLI export keeps its scripts in rules/ and its configuration in rules-configs/, and a tenant.yaml names
        // files beside it: watch the whole tree. A change that does not alter the set (a test case) reloads to the same version, a no-op.
        var watched = File.Exists(Path) ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) : Path;
        if (watched is null || !Directory.Exists(watched))
        {
            return NoWatch.Instance;
        }
        return new DirectoryWatch(watched, changed);
    }

    private sealed class DirectoryWatch : IDisposable
    {
        private readonly Timer _debounce;
        private readonly FileSystemWatcher _watcher;

        public DirectoryWatch(string directory, Action changed)
        {
            _debounce = new Timer(_ => changed(), null, Timeout.Infinite, Timeout.Infinite);
            _watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
            FileSystemEventHandler touched = (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
            _watcher.Changed += touched;
            _watcher.Created += touched;
            _watcher.Deleted += touched;
            _watcher.Renamed += (_, _) => _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            _watcher.Dispose();
            _debounce.Dispose();
        }
    }
}

/// <summary>The watch of a source that never changes by itself.</summary>
internal sealed class NoWatch : IDisposable
{
    public static readonly NoWatch Instance = new();

    public void Dispose()
    {
    }
}

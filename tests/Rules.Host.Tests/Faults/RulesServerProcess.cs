using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Faults;

/// <summary>
/// The real server as a process: <c>dotnet rules.dll serve</c> (the rules.dll beside the tests) on a free loopback port,
/// with a temporary data directory seeded from the sample tenant and a copy of the sample rules with the
/// business-hours rule disabled (as tests/e2e/impersonation-flow.sh does), so logins pass at any hour. It can be
/// killed with SIGKILL and started again on the same data directory. Disposing kills it and deletes the directory.
/// With a <c>database</c> connection string it serves that store (several processes can share one PostgreSQL), and
/// <c>rules</c> says where its rules come from: the directory (--rules, the default), the directory imported into the
/// store at start (--import), or the store alone (what another instance imported or changed).
/// </summary>
public sealed class RulesServerProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly string? _database;
    private readonly RulesFrom _rules;
    private readonly string[] _settings;
    private Process? _process;

    public enum RulesFrom
    {
        Directory,
        ImportedDirectory,
        Store,
    }

    public RulesServerProcess(string? database = null, RulesFrom rules = RulesFrom.Directory, params string[] settings)
    {
        _database = database;
        _rules = rules;
        _settings = settings;
        Root = Path.Combine(Path.GetTempPath(), "rules-host-faults-" + Guid.NewGuid().ToString("N"));
        DataDirectory = Path.Combine(Root, "data");
        RulesDirectory = Path.Combine(Root, "rules");
        Directory.CreateDirectory(RulesDirectory);
        var samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "rules");
        foreach (var file in Directory.GetFiles(samples))
        {
            File.Copy(file, Path.Combine(RulesDirectory, Path.GetFileName(file)));
        }
        var manifestPath = Path.Combine(RulesDirectory, "rules.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        foreach (var rule in manifest["rules"]!.AsArray().Where(r => r!["file"]!.GetValue<string>().Contains("business-hours", StringComparison.Ordinal)))
        {
            rule!["enabled"] = false;
        }
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        BaseUri = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
    }

    public string Root { get; }

    public string DataDirectory { get; }

    public string RulesDirectory { get; }

    public Uri BaseUri { get; }

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the server is not running");

    /// <summary>The last lines the server wrote, for failure messages.</summary>
    public string LogTail => string.Join('\n', _log.TakeLast(40));

    public async Task StartAsync(TimeSpan timeout)
    {
        var rulesDll = Path.Combine(AppContext.BaseDirectory, "rules.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                rulesDll, "serve", "--urls", BaseUri.ToString().TrimEnd('/'), "--data", DataDirectory,
                "--seed", Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "tenant.json"),
            },
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (_database is not null)
        {
            start.ArgumentList.Add("--database");
            start.ArgumentList.Add(_database);
        }
        if (_rules != RulesFrom.Store)
        {
            start.ArgumentList.Add(_rules == RulesFrom.ImportedDirectory ? "--import" : "--rules");
            start.ArgumentList.Add(RulesDirectory);
        }
        foreach (var setting in _settings)
        {
            start.ArgumentList.Add(setting);
        }
        // Warnings only: at Information the server logs every request.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited during start-up ({_process.ExitCode}):\n{LogTail}");
            }
            try
            {
                if ((await http.GetAsync(new Uri(BaseUri, "/readyz"))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the server was not ready on {BaseUri} within {timeout}:\n{LogTail}");
    }

    /// <summary>
    /// SIGKILL to the server itself: `dotnet rules.dll` runs the app in the dotnet process (no child), which the
    /// command line in /proc confirms before the kill. Nothing in the server gets to run after this.
    /// </summary>
    public void KillHard()
    {
        var process = _process ?? throw new InvalidOperationException("the server is not running");
        var commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        if (!commandLine.Contains("rules.dll serve", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"process {process.Id} is not the server: {commandLine}");
        }
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
        _process = null;
        process.Dispose();
    }

    public void Dispose()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a leftover temp directory must not fail a test
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

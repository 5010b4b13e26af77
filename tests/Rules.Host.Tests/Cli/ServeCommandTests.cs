using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Rules.Host.Cli;
using Rules.Host.Storage;

namespace Rules.Host.Tests.Cli;

/// <summary>
/// <c>rules serve</c> as a new user starts it: the real process (<c>dotnet rules.dll serve</c>), so what is checked is
/// what a terminal shows, Kestrel's and the logger's output included.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rules-serve-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // nothing was created
        }
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_and_no_database_is_created()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var data = Path.Combine(_root, "data");

        var (exitCode, output) = await RunToExitAsync("serve", "--urls", url, "--data", data);

        exitCode.Should().Be(ExitCodes.BadInput, output);
        output.Trim().Should().Be($"error: cannot listen on {url}: the address is already in use (is another rules server running? choose another with --urls)");
        Directory.Exists(data).Should().BeFalse("the store must not be created, let alone seeded, before the address is known to be free");
    }

    [Fact]
    public async Task A_store_a_newer_version_migrated_is_refused_with_one_line_and_left_as_it_was()
    {
        var data = Path.Combine(_root, "data");
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "rules.db");
        using (var store = new SqliteDatabase(file))
        {
            store.Migrate();
            using var connection = store.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {store.KnownSchemaVersion + 1};";
            command.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var (exitCode, output) = await RunToExitAsync("serve", "--urls", $"http://127.0.0.1:{port}", "--data", data);

        exitCode.Should().Be(ExitCodes.BadInput, output);
        output.Trim().Should().StartWith("error: the store (SQLite, ").And.Contain("newer version of rules serve")
            .And.EndWith("Upgrade this instance (every instance on one store runs the same version)");
        using var after = new SqliteDatabase(file);
        after.SchemaVersion().Should().Be(after.KnownSchemaVersion + 1);
    }

    [Fact]
    public async Task The_banner_names_the_dashboard_and_the_sample_operators_sign_in()
    {
        int port;
        using (var free = new TcpListener(IPAddress.Loopback, 0))
        {
            free.Start();
            port = ((IPEndPoint)free.LocalEndpoint).Port;
        }
        var start = Start("serve", "--urls", $"http://127.0.0.1:{port}", "--data", Path.Combine(_root, "data"), "--seed-samples");
        using var process = Process.Start(start)!;
        try
        {
            var lines = new List<string>();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("rules: a regular login", StringComparison.Ordinal))
                {
                    break;
                }
            }
            var banner = string.Join('\n', lines);
            banner.Should().Contain($"rules: dashboard http://127.0.0.1:{port}/dashboard");
            banner.Should().Contain("rules: dashboard sign-in (sample operator): priya.shah@acme-support.example.com / Sample-Passw0rd!");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("http://localhost:5001", "127.0.0.1:5001")]
    [InlineData("http://*:5002", "0.0.0.0:5002")]
    [InlineData("http://+:5003", "0.0.0.0:5003")]
    [InlineData("http://[::1]:5004", "[::1]:5004")]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("not a url", null)]
    public void The_check_reads_the_addresses_kestrel_would_bind(string url, string? endPoint)
    {
        ListenAddresses.EndPointOf(url)?.ToString().Should().Be(endPoint);
        if (endPoint is null)
        {
            ListenAddresses.EndPointOf(url).Should().BeNull();
        }
    }

    private ProcessStartInfo Start(params string[] args)
    {
        Directory.CreateDirectory(_root);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rules.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;

namespace Rules.PeerComparison.Measuring;

/// <summary>Runs this program again with other arguments (a measurement that needs a process of its own) and returns its last output line.</summary>
public static class ChildProcess
{
    public static string LastLine(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        // Run as `dotnet Rules.PeerComparison.dll` the host is dotnet, and the program's own path comes first.
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals(Path.GetFileNameWithoutExtension(entry), StringComparison.Ordinal))
        {
            start.ArgumentList.Add(entry);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"`{string.Join(' ', start.ArgumentList)}` failed (exit {process.ExitCode})");
        return output.Trim().Split('\n')[^1];
    }
}

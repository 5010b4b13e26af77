namespace Rules.Host.Tests;

/// <summary>
/// A fresh temporary directory per test, deleted on dispose. <see cref="Rules"/> is the rules directory
/// (a child of <see cref="Root"/>, so tests can place files beside it, outside the rule set).
/// </summary>
public sealed class TempRulesDirectory : IDisposable
{
    public TempRulesDirectory()
    {
        Root = Path.Combine(Path.GetTempPath(), "rules-host-tests-" + Guid.NewGuid().ToString("N"));
        Rules = Path.Combine(Root, "rules");
        Directory.CreateDirectory(Rules);
    }

    public string Root { get; }

    public string Rules { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> under the rules directory; returns the full path.</summary>
    public string Write(string relativePath, string content) => WriteAt(Path.Combine(Rules, relativePath), content);

    /// <summary>Writes a file relative to <see cref="Root"/> (outside the rules directory).</summary>
    public string WriteOutside(string relativePath, string content) => WriteAt(Path.Combine(Root, relativePath), content);

    private static string WriteAt(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}

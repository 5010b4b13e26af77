namespace Rules.Host.Cli;

/// <summary>Finds the sample tenant shipped in Rules.Samples, from the working directory or the executable's.</summary>
internal static class SamplePaths
{
    public static string? FindSampleRules() => FindUpwards(Path.Combine("Rules.Samples", "rules"));

    private static string? FindUpwards(string relative)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return Path.GetRelativePath(Directory.GetCurrentDirectory(), candidate);
                }
            }
        }
        return null;
    }
}

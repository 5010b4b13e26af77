namespace Rules.Host.Cli;

/// <summary>Finds the sample tenant shipped in Rules.Samples, from the working directory or the executable's.</summary>
internal static class SamplePaths
{
    public static string? FindSampleTenant() => FindUpwards(Path.Combine("Rules.Samples", "tenant.json"), file: true);

    private static string? FindUpwards(string relative, bool file = false)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relative);
                if (file ? File.Exists(candidate) : Directory.Exists(candidate))
                {
                    return Path.GetRelativePath(Directory.GetCurrentDirectory(), candidate);
                }
            }
        }
        return null;
    }
}

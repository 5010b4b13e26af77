namespace Rules.Host.Modules;

/// <summary>
/// The part of npm's semver ranges that package.json dependencies use: exact versions, <c>^</c>, <c>~</c>,
/// comparators (<c>&gt;=1.2.0 &lt;2</c>), x-ranges (<c>1.x</c>, <c>*</c>), hyphen ranges and <c>||</c>. Pre-release versions
/// match only an exact range. Enough to pick a dependency's version from a registry's list; anything else is refused.
/// </summary>
internal static class SemverRange
{
    public static string? MaxSatisfying(IEnumerable<string> versions, string range) =>
        versions.Select(v => (Text: v, Parsed: Parse(v)))
            .Where(v => v.Parsed is not null && Satisfies(v.Parsed, v.Text, range))
            .OrderByDescending(v => v.Parsed)
            .Select(v => v.Text)
            .FirstOrDefault();

    public static bool Satisfies(string version, string range) => Parse(version) is { } parsed && Satisfies(parsed, version, range);

    private static bool Satisfies(Version version, string text, string range)
    {
        var trimmed = range.Trim();
        if (trimmed.Length == 0 || trimmed is "*" or "latest" or "x")
        {
            return !text.Contains('-');
        }
        if (text.Contains('-'))
        {
            return trimmed.TrimStart('=', 'v') == text;
        }
        return trimmed.Split("||").Any(set => SetSatisfied(version, set.Trim()));
    }

    private static bool SetSatisfied(Version version, string set)
    {
        var hyphen = set.Split(" - ", StringSplitOptions.TrimEntries);
        if (hyphen.Length == 2)
        {
            return Compare(version, ">=", hyphen[0]) && Compare(version, "<=", hyphen[1]);
        }
        foreach (var part in set.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var op = new string(part.TakeWhile(c => c is '<' or '>' or '=' or '^' or '~').ToArray());
            var operand = part[op.Length..].TrimStart('v');
            var ok = op switch
            {
                "^" => Caret(version, operand),
                "~" => Tilde(version, operand),
                "" or "=" => XRange(version, operand),
                _ => Compare(version, op, operand),
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static (int Major, int? Minor, int? Patch) Partial(string text)
    {
        var parts = text.Split('-')[0].Split('.');
        int? Part(int i) => i < parts.Length && int.TryParse(parts[i], out var n) ? n : null;
        return (Part(0) ?? throw new FormatException($"unsupported version range '{text}'"), Part(1), Part(2));
    }

    private static bool XRange(Version v, string operand)
    {
        if (operand is "*" or "x" or "X" or "")
        {
            return true;
        }
        var (major, minor, patch) = Partial(operand);
        return v.Major == major && (minor is null || v.Minor == minor) && (patch is null || v.Build == patch);
    }

    private static bool Caret(Version v, string operand)
    {
        var (major, minor, patch) = Partial(operand);
        var low = new Version(major, minor ?? 0, patch ?? 0);
        var high = major > 0 || minor is null ? new Version(major + 1, 0, 0)
            : minor > 0 || patch is null ? new Version(0, minor.Value + 1, 0)
            : new Version(0, 0, patch.Value + 1);
        return v >= low && v < high;
    }

    private static bool Tilde(Version v, string operand)
    {
        var (major, minor, patch) = Partial(operand);
        var low = new Version(major, minor ?? 0, patch ?? 0);
        var high = minor is null ? new Version(major + 1, 0, 0) : new Version(major, minor.Value + 1, 0);
        return v >= low && v < high;
    }

    private static bool Compare(Version v, string op, string operand)
    {
        var (major, minor, patch) = Partial(operand.TrimStart('v'));
        var bound = new Version(major, minor ?? 0, patch ?? 0);
        return op switch
        {
            ">" => minor is null ? v.Major > major : patch is null ? v >= new Version(major, minor.Value + 1, 0) : v > bound,
            ">=" => v >= bound,
            "<" => v < bound,
            "<=" => minor is null ? v < new Version(major + 1, 0, 0) : patch is null ? v < new Version(major, minor.Value + 1, 0) : v <= bound,
            _ => throw new FormatException($"unsupported version range operator '{op}'"),
        };
    }

    private static Version? Parse(string text)
    {
        var core = text.Split('-', '+')[0];
        var parts = core.Split('.');
        return parts.Length == 3 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b) && int.TryParse(parts[2], out var c)
            ? new Version(a, b, c) : null;
    }
}

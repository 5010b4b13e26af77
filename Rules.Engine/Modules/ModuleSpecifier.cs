namespace Rules.Engine.Modules;

/// <summary>
/// What a <c>require</c> argument names: a package (<c>lodash</c>, <c>@scope/name</c>), an optional exact version as
/// Auth0 allowed it (<c>lodash@4.17.19</c>), an optional file inside it (<c>lodash/fp</c>), or a relative path
/// (<c>./util</c>) inside a package. <c>node:crypto</c> is <c>crypto</c>.
/// </summary>
internal readonly record struct ModuleSpecifier(string Name, string? Version, string? Subpath, bool IsRelative)
{
    public static ModuleSpecifier Parse(string text)
    {
        if (text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith("../", StringComparison.Ordinal) || text is "." or "..")
        {
            return new ModuleSpecifier("", null, text, true);
        }
        if (text.StartsWith("node:", StringComparison.Ordinal))
        {
            text = text[5..];
        }

        // The package part is one path segment, or two for a scoped name.
        var slash = text.IndexOf('/', text.StartsWith('@') ? Math.Max(0, text.IndexOf('/') + 1) : 0);
        var package = slash < 0 ? text : text[..slash];
        var subpath = slash < 0 ? null : text[(slash + 1)..];
        var at = package.LastIndexOf('@');
        return at > 0
            ? new ModuleSpecifier(package[..at], package[(at + 1)..], subpath, false)
            : new ModuleSpecifier(package, null, subpath, false);
    }

    public string Display => Version is null ? Name : $"{Name}@{Version}";
}

using System.Reflection;
using System.Text.RegularExpressions;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Architecture;

/// <summary>
/// Rules.Host's dependency direction: the shared helpers every feature uses (Hosting/: settings, HTML pages, request
/// bodies, metrics; Errors/: Auth0's error shapes) import no feature, and only the composition root (Composition/)
/// imports them all. Cli/ is the entry point above it: <c>rules serve</c> builds the app through the root.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly string[] Shared = ["Hosting", "Errors"];
    private const string Composition = "Composition";
    private const string EntryPoint = "Cli";

    private static readonly string HostSource = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Host");

    /// <summary>Every namespace of Rules.Host (one per top-level folder).</summary>
    private static readonly string[] Namespaces = Directory.GetDirectories(HostSource)
        .Select(Path.GetFileName)
        .Where(name => name is not ("bin" or "obj" or "Properties") && Directory.EnumerateFiles(Path.Combine(HostSource, name!), "*.cs", SearchOption.AllDirectories).Any())
        .Select(name => name!)
        .ToArray();

    [Fact]
    public void The_shared_helpers_reference_no_feature_and_not_the_composition_root()
    {
        var features = Namespaces.Except(Shared).ToArray();
        features.Should().Contain(["Login", "OAuth", "Dashboard", Composition], "the scan must see the folders it guards against");

        var offences = SourceFiles(Shared).SelectMany(file => References(file, features)).ToList();

        offences.Should().BeEmpty("shared helpers are imported by features, so they must not import one back");
    }

    [Fact]
    public void No_feature_references_the_composition_root()
    {
        var offences = SourceFiles(Namespaces.Except([Composition, EntryPoint]).ToArray())
            .SelectMany(file => References(file, [Composition]))
            .ToList();

        offences.Should().BeEmpty("only the entry point (Cli) starts the app through the composition root");
    }

    [Fact]
    public void No_shared_type_has_a_feature_type_in_its_signatures()
    {
        // The compiled view of the same rule, for what a source scan could miss (a type reached through an alias).
        var assembly = typeof(Rules.Host.Hosting.RulesHostOptions).Assembly;
        var shared = Shared.Select(n => $"Rules.Host.{n}").ToHashSet(StringComparer.Ordinal);
        var offences = new List<string>();
        foreach (var type in assembly.GetTypes().Where(t => t.Namespace is { } ns && shared.Contains(ns)))
        {
            foreach (var used in SignatureTypes(type))
            {
                if (used.Namespace is { } ns && ns.StartsWith("Rules.Host.", StringComparison.Ordinal) && !shared.Contains(ns))
                {
                    offences.Add($"{type.FullName} uses {used.FullName}");
                }
            }
        }

        offences.Should().BeEmpty();
    }

    private static IEnumerable<string> SourceFiles(string[] folders) =>
        folders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(HostSource, folder), "*.cs", SearchOption.AllDirectories));

    /// <summary>
    /// Lines of <paramref name="file"/> that name one of <paramref name="targets"/>: a using, a fully qualified name, or
    /// a name qualified from inside Rules.Host (<c>Login.LoginOptions</c>, which resolves without a using).
    /// </summary>
    private static IEnumerable<string> References(string file, string[] targets)
    {
        var pattern = new Regex($@"\bRules\.Host\.(?:{string.Join('|', targets)})\b|(?<![\w.])(?:{string.Join('|', targets)})\.[A-Z]");
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            if (pattern.IsMatch(lines[i]))
            {
                yield return $"{Path.GetRelativePath(RulesHostFactory.RepositoryRoot, file)}:{i + 1}: {lines[i].Trim()}";
            }
        }
    }

    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        IEnumerable<Type> direct =
        [
            .. type.BaseType is { } baseType ? [baseType] : Array.Empty<Type>(),
            .. type.GetInterfaces(),
            .. type.GetFields(all).Select(f => f.FieldType),
            .. type.GetProperties(all).Select(p => p.PropertyType),
            .. type.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)),
            .. type.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)),
        ];
        return direct.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            return Unwrap(type.GetElementType()!);
        }
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : [type];
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Rules.Engine.Modules;
using Rules.Host.Audit;
using Rules.Host.Errors;
using Rules.Host.Hosting;
using Rules.Host.Management;
using Rules.Host.RuleSets;
using Rules.Host.Storage;

namespace Rules.Host.Modules;

/// <summary>
/// /api/v2/modules: the npm packages of the rule set kept in the database, as <c>rules modules add|list|remove</c>
/// manage a rules directory's. GET lists what the live rule set requires and the packages it holds; POST
/// <c>{ "name", "version" }</c> vets a package (and its dependencies) from Rules:ModulesRegistry exactly as
/// <c>rules modules add</c> does; DELETE <c>/{name}</c> or <c>/{name@version}</c> removes one with the dependencies no
/// other package needs. Changes are saved only if the rule set still compiles, audited, and live when the response returns.
/// </summary>
internal static class ModulesEndpoints
{
    public static IEndpointRouteBuilder MapModulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var modules = endpoints.MapManagementGroup("/api/v2/modules", "Modules");
        modules.MapGet("", List).RequireManagementScope("read:rules");
        modules.MapPost("", AddAsync).RequireManagementScope("create:rules");
        modules.MapDelete("/{**package}", Remove).RequireManagementScope("delete:rules");
        return endpoints;
    }

    public static IResult List(RuleSetProvider provider)
    {
        var live = provider.Current?.RuleSet;
        return Results.Json(new JsonObject
        {
            ["rule_set_version"] = live?.Version,
            ["required"] = new JsonArray((live?.RequiredModules ?? []).Select(m => (JsonNode)m).ToArray()),
            ["packages"] = new JsonArray((live?.RuleSet.Packages?.Lock.Packages ?? []).Select(p => (JsonNode)ToJson(p)).ToArray()),
        });
    }

    public static async Task<IResult> AddAsync(HttpRequest request, HttpResponse response, RuleSetEditor editor, Database database,
        IOptions<RulesHostOptions> options, CancellationToken cancellation)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToResult();
        }
        var body = await ManagementRequestBody.ReadObjectAsync(request);
        if (body.IsError)
        {
            return body.Error!.ToResult();
        }
        var name = body.Value!["name"] is JsonValue n && n.TryGetValue<string>(out var nameText) ? nameText : null;
        var version = body.Value!["version"] is JsonValue v && v.TryGetValue<string>(out var versionText) ? versionText : null;
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(version) || body.Value.Count != 2)
        {
            return Auth0Error.BadRequest("Payload validation error: the body is { \"name\": \"lodash\", \"version\": \"4.17.21\" }, an exact version; nothing else.").ToResult();
        }
        if (!Uri.TryCreate((options.Value.ModulesRegistry ?? NpmRegistry.PublicRegistry).TrimEnd('/') + "/", UriKind.Absolute, out var registry) || registry.Scheme is not ("https" or "http"))
        {
            return new Auth0Error(500, "Internal Server Error", "Rules:ModulesRegistry is not an http(s) address.", "modules_registry").ToResult();
        }

        var current = database.InSnapshot((connection, transaction) => StoredPackages.Read(connection, transaction));
        var before = current?.Lock ?? ModulesLock.Empty;
        var work = Path.Combine(Path.GetTempPath(), "rules-modules-" + Guid.NewGuid().ToString("n"));
        try
        {
            Directory.CreateDirectory(work);
            StoredPackages.Materialize(current, work);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var after = await new PackageInstaller(new NpmRegistry(http, registry), work, TextWriter.Null).AddAsync(name, version, cancellation);
            var installed = PackageSet.Open(work)!;
            var files = after.Packages.ToDictionary(p => p.Key, p => installed.Find(p.Name, p.Version)!.Files, StringComparer.Ordinal);
            return Saved(editor.ReplacePackages(before, after, files, ChangeActor.FromRequest(request.HttpContext)), response, () => Results.Created(
                $"/api/v2/modules/{Uri.EscapeDataString(name)}@{Uri.EscapeDataString(version)}", ToJson(after.Packages.Single(p => p.Name == name && p.Version == version))));
        }
        catch (PackageRefusedException e)
        {
            return Auth0Error.BadRequest($"{e.Message}; nothing was saved.", "module_refused").ToResult();
        }
        catch (ModuleResolutionException e)
        {
            return Auth0Error.BadRequest($"{e.Message}; nothing was saved.", "module_refused").ToResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or FormatException)
        {
            return new Auth0Error(502, "Bad Gateway", $"{name}@{version} could not be downloaded from {registry}: {e.Message}; nothing was saved.", "module_download_failed").ToResult();
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    public static IResult Remove(string package, HttpResponse response, RuleSetEditor editor, Database database)
    {
        if (editor.ReadOnly is { } readOnly)
        {
            return readOnly.ToResult();
        }
        var at = package.LastIndexOf('@');
        var (name, version) = at > 0 ? (package[..at], package[(at + 1)..]) : (package, (string?)null);
        var current = database.InSnapshot((connection, transaction) => StoredPackages.Read(connection, transaction));
        var before = current?.Lock ?? ModulesLock.Empty;
        var removed = before.Packages.Where(p => p.Name == name && (version is null || p.Version == version)).ToArray();
        if (removed.Length == 0)
        {
            return Auth0Error.NotFound($"The rule set has no package {package}.", "inexistent_module").ToResult();
        }
        if (before.DependentsOf(removed) is { Count: > 0 } dependents)
        {
            return Auth0Error.Conflict($"{string.Join(", ", dependents.Select(d => d.Key))} depend(s) on {package}; remove those first.", "module_in_use").ToResult();
        }
        try
        {
            var (after, _) = before.Remove(removed);
            var files = after.Packages.ToDictionary(p => p.Key, p => current!.Find(p.Name, p.Version)!.Files, StringComparer.Ordinal);
            return Saved(editor.ReplacePackages(before, after, files, ChangeActor.FromRequest(response.HttpContext)), response, Results.NoContent);
        }
        catch (ModuleResolutionException e)
        {
            return Auth0Error.BadRequest($"{e.Message}; nothing was saved.", "module_refused").ToResult();
        }
    }

    private static IResult Saved(RuleSetEdit<ModulesLock> edit, HttpResponse response, Func<IResult> success)
    {
        if (edit.IsError)
        {
            return edit.Error!.ToResult();
        }
        response.Headers[ManagementResults.RulesVersionHeader] = edit.Version;
        return success();
    }

    private static JsonObject ToJson(LockedPackage package)
    {
        var dependencies = new JsonObject();
        foreach (var (name, version) in package.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            dependencies[name] = version;
        }
        return new JsonObject
        {
            ["name"] = package.Name,
            ["version"] = package.Version,
            ["integrity"] = package.Integrity,
            ["files_hash"] = package.FilesHash,
            ["direct"] = package.Direct,
            ["dependencies"] = dependencies,
        };
    }
}

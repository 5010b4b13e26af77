using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Rules.Engine.Tests.Packaging;

/// <summary>
/// What a team embedding the engine does: packs Rules.Engine into a local feed, and builds a console project outside
/// the solution (no Directory.Build.props, no project reference) that takes the package from that feed, registers the
/// engine with <c>AddRulesEngine</c>, runs a rule directory, and prints a denial and an enrichment.
/// </summary>
public sealed class PackAndConsumeTests : IDisposable
{
    // A version no registry has: the consumer can only get the package from the local feed.
    private const string Version = "0.0.0-consume-test";

    private readonly string _root = Directory.CreateTempSubdirectory("rules-consume-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_project_outside_the_solution_embeds_the_packed_engine_and_gets_a_denial_and_an_enrichment()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        var engineProject = Path.Combine(SampleRuleSetTests.SampleRuleSet.FindRepositoryRoot(), "Rules.Engine", "Rules.Engine.csproj");
        // Packs what this test run already built (same configuration), so the check costs seconds, not a second compile.
        await RunAsync("dotnet", ["pack", engineProject, "--no-build", "--no-restore", "-c", Configuration, "-o", feed, $"-p:PackageVersion={Version}", "--disable-build-servers"], _root);
        var package = Directory.GetFiles(feed, $"*.{Version}.nupkg").Should().ContainSingle("one package was packed").Subject;
        var packageId = Path.GetFileName(package)[..^$".{Version}.nupkg".Length];

        var consumer = WriteConsumer(feed, packageId);
        var rules = WriteRules();
        await RunAsync("dotnet", ["build", consumer, "-c", "Release", "--disable-build-servers", "-v", "q", "-nologo"], _root);
        var output = await RunAsync("dotnet", [Path.Combine(Path.GetDirectoryName(consumer)!, "bin", "Release", "net10.0", "Consumer.dll"), rules], _root);

        output.Should().Contain("blocked@example.com: deny unauthorized \"This account is blocked\" (rule block-listed)");
        output.Should().Contain("alice@example.com: allow https://example.com/roles=[\"admin\"]");
    }

    private static string Configuration =>
        typeof(PackAndConsumeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private string WriteConsumer(string feed, string packageId)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "consumer")).FullName;
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The machine's own sources (its NuGet.Config) stay in force; the feed is added. The engine's dependencies come
        // from the machine's package folder when it has them; the engine itself goes to a private folder, so no stale
        // copy of this test version is ever reused.
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rules-engine-local" value="{feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(_root, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{globalPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{packageId}" Version="[{Version}]" />
                <PackageReference Include="Microsoft.Extensions.Configuration" Version="10.0.5" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.5" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using System.Text.Json.Nodes;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;
            using Rules.Engine.Pipeline;
            using Rules.Engine.Serving;

            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Sandbox:TimeBudget"] = "00:00:03" }).Build());
            services.AddRulesEngine(rules => rules.FromDirectory(args[0]));
            using var container = services.BuildServiceProvider();
            var engine = container.GetRequiredService<RulePipelineProvider>();

            var context = new JsonObject { ["clientID"] = "app", ["connection"] = "Username-Password-Authentication" };
            foreach (var email in new[] { "blocked@example.com", "alice@example.com" })
            {
                var user = new JsonObject { ["user_id"] = "auth0|" + email, ["email"] = email, ["app_metadata"] = new JsonObject { ["roles"] = new JsonArray("admin") } };
                var outcome = await engine.ExecuteAsync(new LoginTransaction(user, (JsonObject)context.DeepClone()));
                Console.WriteLine(outcome.Decision == Decision.Deny
                    ? $"{email}: deny {outcome.Error} \"{outcome.ErrorDescription}\" (rule {outcome.Rule})"
                    : $"{email}: allow " + string.Join(", ", outcome.IdToken.Select(c => $"{c.Key}={c.Value!.ToJsonString()}")));
            }
            """);
        return Path.Combine(directory, "Consumer.csproj");
    }

    private string WriteRules()
    {
        var rules = Directory.CreateDirectory(Path.Combine(_root, "rules")).FullName;
        File.WriteAllText(Path.Combine(rules, "1-block-listed.js"), """
            function blockListed(user, context, callback) {
              if (user.email === 'blocked@example.com') {
                return callback(new UnauthorizedError('This account is blocked'));
              }
              callback(null, user, context);
            }
            """);
        File.WriteAllText(Path.Combine(rules, "2-roles.js"), """
            function roles(user, context, callback) {
              context.idToken['https://example.com/roles'] = user.app_metadata.roles;
              callback(null, user, context);
            }
            """);
        File.WriteAllText(Path.Combine(rules, "rules.json"), """
            { "rules": [ { "file": "1-block-listed.js", "name": "block-listed" }, { "file": "2-roles.js", "name": "roles" } ] }
            """);
        return rules;
    }

    private static async Task<string> RunAsync(string file, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The test host's MSBuild settings must not leak into the child builds.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "VSTEST_HOST_DEBUG").ToList())
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = new StringBuilder().Append(await stdout).Append(await stderr).ToString();
        process.ExitCode.Should().Be(0, $"{file} {string.Join(' ', arguments)} failed:\n{output}");
        return output;
    }
}

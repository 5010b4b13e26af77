using System.CommandLine;

namespace Rules.Host.Cli;

/// <summary>
/// <c>rules serve</c>'s options, typed. One set is shared by the serve verb and the root command, because <c>rules</c>
/// alone (or with these options) serves, as <c>dotnet run --project Rules.Host</c> expects.
/// </summary>
public sealed class ServeOptions
{
    public Option<string> Urls { get; } = new("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => ServeCommand.DefaultUrls };

    public Option<string> Data { get; } = new("--data") { Description = "Directory for the embedded SQLite database (unused with --database)", DefaultValueFactory = _ => "data" };

    public Option<string?> Database { get; } = new("--database") { Description = "Store connection string: PostgreSQL (\"Host=…;Database=…;Username=…\" or postgres://…) to share one store between instances, or a SQLite file" };

    public Option<string?> Rules { get; } = new("--rules") { Description = "Serve (and watch) this rules directory, Deploy CLI export or tenant.yaml instead of the rules in the database" };

    public Option<string?> Seed { get; } = new("--seed") { Description = "Tenant file (Deploy CLI export shape) to seed an empty database with" };

    public Option<bool> SeedSamples { get; } = new("--seed-samples") { Description = "Seed an empty database with the public sample tenant (Rules.Samples/tenant.json; its secrets are published: for trying the server only). On under dotnet run" };

    public Option<string?> Import { get; } = new("--import") { Description = "Replace the database's rules and rules-configs with this Deploy CLI export (or rules directory) at start" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Urls, Data, Database, Rules, Seed, SeedSamples, Import })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The parsed values; tokens no option took are passed on as configuration (--Rules:ImpersonationEnabled=true).</summary>
    public ServeCommand.Parameters Read(ParseResult result) => new(
        result.GetValue(Urls)!,
        result.GetValue(Data)!,
        result.GetValue(Rules),
        result.GetValue(Seed),
        result.UnmatchedTokens.ToArray(),
        result.GetValue(Import),
        result.GetValue(Database),
        result.GetValue(SeedSamples));
}

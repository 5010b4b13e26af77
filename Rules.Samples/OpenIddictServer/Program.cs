using Rules.Samples.OpenIddictServer;

// An OpenIddict authorization server that embeds the rules engine: every password sign-in runs the rules in
// rules/, which may deny it or add claims to the tokens OpenIddict issues. See docs/embedding.md.
var builder = WebApplication.CreateBuilder(args);

// Options from Rules:Sandbox, validated at start; rules from the directory in Rules:Directory, reloaded on change.
builder.Services.AddRulesEngine(rules => rules.FromDirectory(
    Path.Combine(builder.Environment.ContentRootPath, builder.Configuration["Rules:Directory"] ?? "rules")));

builder.Services.AddSingleton<SampleUsers>();
builder.Services.AddSampleOpenIddict();

var app = builder.Build();
app.UseAuthentication();
app.MapPost("/connect/token", TokenEndpoint.HandleAsync);
app.Run();

/// <summary>The entry point; public so the tests' WebApplicationFactory can start it.</summary>
public partial class Program;

// Generates a decision log (the JSONL the server exports) of realistic logins for `rules replay`:
//   dotnet run --project tools/LogGenerator -- [--count N] [--seed S] [--rules DIR] [--samples DIR] [--out FILE]
// The outcome is stored without its "user" (replay ignores it) to keep the file small.
// Users, support agents and applications come from Rules.Samples/transactions; each record gets a random clock
// in November 2026, and about a third are impersonated. The recorded outcome is what the rule set in --rules
// decides, evaluated exactly as `rules replay` will (recorded clock, seeded Math.random, fresh global),
// so replaying the same rules shows zero changes. Same arguments, same records and outcomes (only timings differ).
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Compilation;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Engine.RuleSets;

var options = ParseArguments(args);
var count = int.Parse(options.GetValueOrDefault("count", "10000"), CultureInfo.InvariantCulture);
var seed = int.Parse(options.GetValueOrDefault("seed", "20261129"), CultureInfo.InvariantCulture);
var rulesDirectory = options.GetValueOrDefault("rules", "Rules.Samples/rules");
var samples = options.GetValueOrDefault("samples", "Rules.Samples/transactions");
var outPath = options.GetValueOrDefault("out", "Rules.Samples/logs/recorded-logins.jsonl");

var compilation = RuleCompiler.Compile(RuleSetDirectory.Load(rulesDirectory));
if (!compilation.Succeeded)
{
    Console.Error.WriteLine($"error: {rulesDirectory} does not compile");
    return 2;
}
using var pipeline = new RulePipeline(compilation.Compiled!);

// The cast, from the sample transactions: customers, agents (and a salesman), applications.
var users = new Dictionary<string, JsonObject>();
var impersonators = new Dictionary<string, JsonObject>();
var contexts = new Dictionary<string, JsonObject>();
foreach (var file in Directory.GetFiles(samples, "*.json").Order(StringComparer.Ordinal))
{
    var sample = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
    var user = sample["user"]!.AsObject();
    if (user["impersonator"] is JsonObject impersonator)
    {
        impersonators.TryAdd(impersonator["user_id"]!.GetValue<string>(), impersonator);
    }
    users.TryAdd(user["user_id"]!.GetValue<string>(), SlimUser(user));
    contexts.TryAdd(sample["context"]!["clientID"]!.GetValue<string>(), SlimContext(sample["context"]!.AsObject()));
}
var userList = users.Values.ToArray();
var agentList = impersonators.Values.ToArray();
var contextList = contexts.Values.ToArray();

var random = new Random(seed);
var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
using var output = new StreamWriter(outPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
var allowed = 0;
var pending = new (string Id, DateTimeOffset Now, LoginTransaction Transaction)[count];
for (var i = 0; i < count; i++)
{
    // Logins cluster in working hours (UTC-5 desk time = 13:00-23:00 UTC), with a tail at night.
    var day = random.Next(30);
    var hour = random.NextDouble() < 0.75 ? 12 + random.Next(13) : random.Next(24);
    var now = start.AddDays(day).AddHours(hour).AddMinutes(random.Next(60)).AddSeconds(random.Next(60)).AddMilliseconds(random.Next(1000));
    var user = (JsonObject)userList[random.Next(userList.Length)].DeepClone();
    var context = (JsonObject)contextList[random.Next(contextList.Length)].DeepClone();
    if (random.NextDouble() < 0.35)
    {
        user["impersonated"] = true;
        user["impersonator"] = agentList[random.Next(agentList.Length)].DeepClone();
    }
    context["sessionID"] = $"s_{random.NextInt64():x16}";
    context["request"]!["ip"] = $"198.51.100.{random.Next(1, 255)}";
    pending[i] = ($"dec_{seed:x}_{i:D7}", now, new LoginTransaction(user, context, now));
}

// In time order, as the server writes them.
foreach (var (id, now, transaction) in pending.OrderBy(p => p.Now).ThenBy(p => p.Id, StringComparer.Ordinal))
{
    var outcome = pipeline.Execute(transaction, ExecutionOptions.Deterministic(SeedOf(id)));
    allowed += outcome.IsAllowed ? 1 : 0;
    var record = ReplayRecord.CreateDecisionRecord(id, transaction.IsImpersonated ? "impersonation" : "login", now, transaction, outcome);
    // The outcome's user repeats the transaction's profile; replay does not compare it, and leaving it out
    // keeps the sample log small enough to commit.
    record["outcome"]!.AsObject().Remove("user");
    output.WriteLine(record.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
}
Console.Error.WriteLine($"wrote {count} records to {outPath} ({allowed} allowed, {count - allowed} denied)");
return 0;

// The same seed `rules replay` derives from a record's id.
static ulong SeedOf(string id) => new ReplayRecord("", 0, id, new LoginTransaction([], []), null).Seed;

static JsonObject SlimUser(JsonObject user)
{
    var slim = new JsonObject();
    foreach (var key in new[] { "user_id", "email", "email_verified", "name", "app_metadata", "logins_count" })
    {
        if (user[key] is { } value) slim[key] = value.DeepClone();
    }
    return slim;
}

static JsonObject SlimContext(JsonObject context)
{
    var slim = new JsonObject();
    foreach (var key in new[] { "clientID", "clientName", "clientMetadata", "connection" })
    {
        if (context[key] is { } value) slim[key] = value.DeepClone();
    }
    var query = context["request"]?["query"];
    slim["request"] = new JsonObject
    {
        ["query"] = new JsonObject { ["client_id"] = query?["client_id"]?.DeepClone(), ["scope"] = query?["scope"]?.DeepClone() },
    };
    return slim;
}

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }
    return result;
}

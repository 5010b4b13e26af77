using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Races;

/// <summary>
/// Rules replaced while logins run: a marker rule is switched on and off again and again, through the Management
/// API or by rewriting a watched --rules directory, while several clients keep logging in. Every decision record
/// must show the rules of exactly one version, the one it names: the enabled rules of that version, all of them,
/// in order, and nothing else (every login here is allowed, so every enabled rule runs and is timed).
/// </summary>
public class RuleSetSwapRaceTests
{
    private const int ConcurrentLogins = 4;
    private const int Toggles = 8;
    private const string MarkerName = "Race marker";
    private const string MarkerScript = "function raceMarker(user, context, callback) { callback(null, user, context); }";

    [Fact]
    public async Task Rules_changed_through_the_management_api_while_logins_run_are_never_mixed_within_a_login()
    {
        using var host = new HostHarness();
        var token = await host.ManagementTokenAsync();
        var markerId = await CreateMarkerAsync(host, token);
        var live = new LiveVersions(host);
        await live.RecordAsync();

        await WhileLoggingIn(host, async moreLogins =>
        {
            for (var i = 0; i < Toggles; i++)
            {
                await moreLogins();
                var response = await SendAsync(host, HttpMethod.Patch, $"/api/v2/rules/{markerId}", token, new JsonObject { ["enabled"] = i % 2 == 0 });
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                var version = response.Headers.GetValues("X-Rules-Version").Single();
                (await live.RecordAsync()).Should().Be(version, "the change is live when the API answers");
            }
        });

        live.AssertEveryDecisionRanOneCompleteVersion();
    }

    [Fact]
    public async Task Rules_changed_in_a_watched_directory_while_logins_run_are_never_mixed_within_a_login()
    {
        using var directory = new TempRulesDirectory();
        var samples = Path.Combine(RulesHostFactory.RepositoryRoot, "Rules.Samples", "rules");
        foreach (var file in Directory.GetFiles(samples))
        {
            File.Copy(file, Path.Combine(directory.Rules, Path.GetFileName(file)));
        }
        directory.Write("race-marker.js", MarkerScript);
        var manifestPath = Path.Combine(directory.Rules, "rules.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["rules"]!.AsArray().Add(new JsonObject { ["file"] = "race-marker.js", ["name"] = MarkerName, ["enabled"] = true });
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        using var host = new HostHarness(new Dictionary<string, string?> { ["Rules:RulesDirectory"] = directory.Rules });
        var live = new LiveVersions(host);
        var previous = await live.RecordAsync();

        await WhileLoggingIn(host, async moreLogins =>
        {
            for (var i = 0; i < Toggles; i++)
            {
                await moreLogins();
                manifest["rules"]!.AsArray().Last()!["enabled"] = i % 2 == 1;
                File.WriteAllText(manifestPath, manifest.ToJsonString());
                previous = await live.WaitForChangeAsync(previous);
            }
        });

        live.AssertEveryDecisionRanOneCompleteVersion();
    }

    /// <summary>
    /// Runs <paramref name="changeRules"/> while <see cref="ConcurrentLogins"/> clients log in without pause. Before each
    /// change it awaits <c>moreLogins</c>, which returns once that many more logins have completed, so every version
    /// that goes live is run by some logins however slowly the machine runs them.
    /// </summary>
    private static async Task WhileLoggingIn(HostHarness host, Func<Func<Task>, Task> changeRules)
    {
        using var stop = new CancellationTokenSource();
        var completed = 0;
        var logins = Enumerable.Range(0, ConcurrentLogins).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await host.CodeAsync();
                Interlocked.Increment(ref completed);
            }
        })).ToArray();
        async Task MoreLogins()
        {
            var target = Volatile.Read(ref completed) + ConcurrentLogins;
            while (Volatile.Read(ref completed) < target && !logins.Any(l => l.IsFaulted))
            {
                await Task.Delay(10);
            }
        }
        try
        {
            await changeRules(MoreLogins);
            await MoreLogins();
        }
        finally
        {
            stop.Cancel();
        }
        await Task.WhenAll(logins);
    }

    private static async Task<string> CreateMarkerAsync(HostHarness host, string token)
    {
        var response = await SendAsync(host, HttpMethod.Post, "/api/v2/rules", token, new JsonObject { ["name"] = MarkerName, ["script"] = MarkerScript, ["enabled"] = false });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> SendAsync(HostHarness host, HttpMethod method, string path, string token, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.Client.SendAsync(request);
    }

    /// <summary>Each live rule-set version seen on /readyz and the enabled rules it lists, then the check against the decision log.</summary>
    private sealed class LiveVersions(HostHarness host)
    {
        private readonly Dictionary<string, string[]> _rulesByVersion = [];
        private readonly List<bool> _markerStates = [];

        public async Task<string> RecordAsync()
        {
            var ready = (await host.Client.GetFromJsonAsync<JsonObject>("/readyz"))!;
            var version = ready["ruleSetVersion"]!.GetValue<string>();
            var rules = ready["rules"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray();
            _rulesByVersion[version] = rules;
            _markerStates.Add(rules.Contains(MarkerName));
            return version;
        }

        /// <summary>The watcher reloads after a short debounce: wait until a version other than <paramref name="previous"/> is live.</summary>
        public async Task<string> WaitForChangeAsync(string previous)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var version = await RecordAsync();
                if (version != previous)
                {
                    return version;
                }
                _markerStates.RemoveAt(_markerStates.Count - 1);
                await Task.Delay(50);
            }
            throw new TimeoutException($"the rule set stayed at {previous} after the rules directory changed");
        }

        public void AssertEveryDecisionRanOneCompleteVersion()
        {
            _markerStates.Zip(_markerStates.Skip(1)).Should().OnlyContain(p => p.First != p.Second, "each change switched the marker rule");
            var records = host.DecisionRecords();
            records.Select(r => r["ruleSetVersion"]!.GetValue<string>()).Distinct().Should().HaveCountGreaterThan(1, "logins ran across the changes");
            foreach (var record in records)
            {
                var version = record["ruleSetVersion"]!.GetValue<string>();
                _rulesByVersion.Should().ContainKey(version, "a login ran a version that was live at some point");
                record["outcome"]!["decision"]!.GetValue<string>().Should().Be("allow", record.ToJsonString());
                var ran = record["outcome"]!["timings"]!["rules"]!.AsObject().Select(p => p.Key);
                ran.Should().Equal(_rulesByVersion[version], $"decision {record["id"]} names version {version}");
            }
        }
    }
}

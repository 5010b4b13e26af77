using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rules.PeerComparison.Measuring;
using Rules.PeerComparison.Reporting;
using static Rules.PeerComparison.Reporting.SvgBarChart;

namespace Rules.PeerComparison;

/// <summary>
/// The auth-server load client: drives a running `rules serve` (sample tenant) on loopback, bounded in count and time.
///   flow:  POST /users/{id}/impersonate (the link; not timed as part of the flow) → GET the link (rule pipeline,
///          code issued) → POST /oauth/token authorization_code (JWT signing)
///   token: POST /oauth/token client_credentials alone
/// Then it reads the server's own per-login pipeline time from the audit trail and times RS256 signing here, to say
/// where a flow's time goes.
/// </summary>
public static class ServerLoad
{
    private const string ManagementId = "Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY";
    private const string ManagementSecret = "sample-management-secret-change-me-0000000000000000";
    private const string AppId = "kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA";
    private const string AppSecret = "sample-app2-secret-change-me-0000000000000000000000";
    private const string Callback = "http://localhost:3000/callback";
    private const string TargetUser = "auth0|63f2a9c1d4e5b6a7c8d9e0f1";
    private const string Agent = "auth0|64b7f0c2a1e9d3f4b5c6a7d8";

    private sealed record Phase(string Name, int Concurrency, long Count, TimeSpan Elapsed, Dictionary<string, double[]> LatenciesMs, int Failures, double? ServerCpuMs)
    {
        public double PerSecond => Count / Elapsed.TotalSeconds;

        /// <summary>The server's CPU time (user + system) per completed flow or request: unlike the rate, robust to a loaded machine.</summary>
        public double? ServerCpuMsEach => ServerCpuMs / Count;
    }

    /// <summary>The server process (--server-pid) whose CPU time each phase measures; 0 when not given.</summary>
    private static int _serverPid;

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        var baseUrl = Arg("--base", "http://127.0.0.1:5000").TrimEnd('/');
        var outDir = Arg("--out", "benchmarks/results");
        var maxCount = int.Parse(Arg("--count", "3000"), CultureInfo.InvariantCulture);
        var maxTime = TimeSpan.FromSeconds(double.Parse(Arg("--seconds", "20"), CultureInfo.InvariantCulture));
        var concurrency = int.Parse(Arg("--concurrency", "4"), CultureInfo.InvariantCulture);
        var onlyFlows = args.Contains("--flows-only");
        _serverPid = int.Parse(Arg("--server-pid", "0"), CultureInfo.InvariantCulture);

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        { BaseAddress = new Uri(baseUrl + "/") };
        var token = await ManagementToken(http, baseUrl);

        // Warm the server (JIT, pools, the rule runtimes) before anything is timed, and check a flow works end to end.
        await RunPhase("warm-up", http, token, 2, 200, TimeSpan.FromSeconds(10), Flow);
        if (onlyFlows)
        {
            // Used while a profiler is attached: load only, no report.
            var traced = await RunPhase("traced flows", http, token, concurrency, maxCount, maxTime, Flow);
            Console.WriteLine($"traced phase: {traced.Count} flows in {traced.Elapsed.TotalSeconds:0.0} s, {traced.PerSecond:0.0}/s"
                + (traced.ServerCpuMsEach is { } cpu ? $", server CPU {cpu:0.000} ms per flow" : "") + $" (load {File.ReadAllText("/proc/loadavg").Trim()})");
            return 0;
        }

        var phases = new List<Phase>
        {
            // Concurrency 1 last, so the audit trail's latest logins (read below) are the unloaded ones.
            await RunPhase("impersonation flow", http, token, concurrency, maxCount, maxTime, Flow),
            await RunPhase("impersonation flow", http, token, 1, maxCount / 3, maxTime / 2, Flow),
            await RunPhase("token endpoint (client_credentials)", http, token, 1, maxCount / 3, maxTime / 2, ClientCredentials),
            await RunPhase("token endpoint (client_credentials)", http, token, concurrency, maxCount, maxTime, ClientCredentials),
        };
        var pipelineMs = await PipelineTimesFromAudit(http, token);
        var signingMs = MeasureSigning();

        Directory.CreateDirectory(outDir);
        var load = LoadTable(phases, baseUrl);
        var time = TimeTable(phases, pipelineMs, signingMs);
        foreach (var table in new[] { load, time })
        {
            File.WriteAllText(Path.Combine(outDir, table.Id + ".md"), table.Markdown(withChartLink: false) + $"![{table.Title}]({table.Id}.svg)\n");
            File.WriteAllText(Path.Combine(outDir, table.Id + ".svg"), SvgBarChart.Render(table));
            Console.WriteLine(table.Markdown(withChartLink: false));
        }
        return phases.Any(p => p.Failures > 0) ? 1 : 0;
    }

    private static async Task<string> ManagementToken(HttpClient http, string baseUrl)
    {
        using var response = await http.PostAsJsonAsync("oauth/token", new
        {
            grant_type = "client_credentials", client_id = ManagementId, client_secret = ManagementSecret, audience = baseUrl + "/api/v2/",
        });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!;
    }

    private delegate Task Step(HttpClient http, string token, Action<string, double> record);

    private static async Task Flow(HttpClient http, string token, Action<string, double> record)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, $"users/{Uri.EscapeDataString(TargetUser)}/impersonate")
        {
            Content = JsonContent.Create(new
            {
                protocol = "oauth2", impersonator_id = Agent, client_id = AppId,
                additionalParameters = new { response_type = "code", state = "load", callback_url = Callback, scope = "openid email profile" },
            }),
        };
        create.Headers.Authorization = new("Bearer", token);
        using var created = await http.SendAsync(create);
        var link = await created.Content.ReadAsStringAsync();
        if (!created.IsSuccessStatusCode || !link.StartsWith("http", StringComparison.Ordinal)) throw new InvalidOperationException($"impersonate answered {(int)created.StatusCode}: {link}");

        var started = Stopwatch.GetTimestamp();
        using var redirect = await http.GetAsync(link);
        var location = redirect.Headers.Location?.ToString() ?? "";
        var redeemed = Stopwatch.GetTimestamp();
        var code = location.Split('?', 2).ElementAtOrDefault(1)?.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "code")?[1];
        if (redirect.StatusCode != HttpStatusCode.Redirect && redirect.StatusCode != HttpStatusCode.Found || code is null)
        {
            throw new InvalidOperationException($"the link answered {(int)redirect.StatusCode} to '{location}' (is the business-hours rule off?)");
        }

        using var exchange = await http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = AppId, ["client_secret"] = AppSecret,
            ["code"] = Uri.UnescapeDataString(code), ["redirect_uri"] = Callback,
        }));
        await exchange.Content.ReadAsStringAsync();
        var done = Stopwatch.GetTimestamp();
        if (!exchange.IsSuccessStatusCode) throw new InvalidOperationException($"code exchange answered {(int)exchange.StatusCode}");
        record("link redemption", Ms(started, redeemed));
        record("code exchange", Ms(redeemed, done));
        record("redemption + exchange", Ms(started, done));
    }

    private static async Task ClientCredentials(HttpClient http, string token, Action<string, double> record)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsJsonAsync("oauth/token", new
        {
            grant_type = "client_credentials", client_id = ManagementId, client_secret = ManagementSecret, audience = http.BaseAddress + "api/v2/",
        });
        await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"client_credentials answered {(int)response.StatusCode}");
        record("token", Ms(started, Stopwatch.GetTimestamp()));
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static async Task<Phase> RunPhase(string name, HttpClient http, string token, int concurrency, int maxCount, TimeSpan maxTime, Step step)
    {
        var latencies = new Dictionary<string, List<double>>();
        var failures = 0;
        long issued = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(maxTime.TotalSeconds * Stopwatch.Frequency);
        void Record(string key, double ms)
        {
            lock (latencies)
            {
                (latencies.TryGetValue(key, out var list) ? list : latencies[key] = []).Add(ms);
            }
        }
        var cpuBefore = ServerCpuMs();
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref issued) <= maxCount && Stopwatch.GetTimestamp() < deadline)
            {
                try
                {
                    await step(http, token, Record);
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
                {
                    if (Interlocked.Increment(ref failures) == 1) Console.Error.WriteLine($"{name}: {e.Message}");
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = ServerCpuMs() - cpuBefore;
        var completed = latencies.Values.Select(l => (long)l.Count).DefaultIfEmpty(0).Max();
        Console.WriteLine($"{name}, concurrency {concurrency}: {completed} in {elapsed.TotalSeconds:0.0} s, {failures} failed"
            + (cpu is { } c && completed > 0 ? $", server CPU {c / completed:0.000} ms each" : ""));
        return new Phase(name, concurrency, completed, elapsed, latencies.ToDictionary(p => p.Key, p => p.Value.ToArray()), failures, cpu);
    }

    /// <summary>The server's user + system CPU time so far (fields 14 and 15 of /proc/{pid}/stat, in clock ticks of 10 ms), or null.</summary>
    private static double? ServerCpuMs()
    {
        if (_serverPid == 0 || !File.Exists($"/proc/{_serverPid}/stat"))
        {
            return null;
        }
        var stat = File.ReadAllText($"/proc/{_serverPid}/stat");
        // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 10.0;
    }

    /// <summary>The rule pipeline's own wall time per impersonated login, as the server recorded it in the audit trail (details.timings.totalMs).</summary>
    private static async Task<double[]> PipelineTimesFromAudit(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v2/logs?impersonator_id={Uri.EscapeDataString(Agent)}&type=s&per_page=100");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var entries = await response.Content.ReadFromJsonAsync<JsonArray>() ?? [];
        return entries.Select(e => e?["details"]?["timings"]?["totalMs"]).OfType<JsonValue>().Select(v => v.GetValue<double>()).ToArray();
    }

    /// <summary>RS256 signing as the server does it (JsonWebTokenHandler, a 2048-bit RSA key, a typical ID token's claims), median ms per token.</summary>
    private static double MeasureSigning()
    {
        using var rsa = RSA.Create(2048);
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var claims = new Dictionary<string, object>
        {
            ["iss"] = "http://127.0.0.1/", ["aud"] = AppId, ["sub"] = TargetUser, ["iat"] = 1_770_000_000L, ["exp"] = 1_770_036_000L,
            ["email"] = "jordan.lee@gmail.com", ["email_verified"] = true, ["name"] = "Jordan Lee", ["impersonated"] = true,
            ["impersonator"] = new Dictionary<string, object> { ["user_id"] = Agent, ["email"] = "priya.shah@acme-support.example.com" },
            ["act"] = new Dictionary<string, object> { ["sub"] = Agent },
            ["https://rules.example.com/impersonator"] = "priya.shah@acme-support.example.com",
            ["https://rules.example.com/roles"] = new List<object> { "customer" },
        };
        string Sign() => handler.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });
        return Sampler.Measure(Sign, TimingBudget.Quick).MedianMicroseconds / 1000;
    }

    private static double P(double[] values, double p) => values.Length == 0 ? double.NaN : Sampler.Percentile(values, p);

    private static ResultTable LoadTable(List<Phase> phases, string baseUrl)
    {
        var table = new ResultTable("server-load", "Auth server under load (`rules serve`, SQLite, loopback)", "requests or flows per second", logScale: false)
            .Headers("Workload", "Concurrency", "Completed", "Per second", "Server CPU ms each", "Measured step", "p50 ms", "p99 ms", "Failures");
        foreach (var phase in phases)
        {
            foreach (var (step, values) in phase.LatenciesMs.OrderBy(p => p.Key == "redemption + exchange" || p.Key == "token" ? 0 : 1))
            {
                table.Row(phase.Name, phase.Concurrency.ToString(CultureInfo.InvariantCulture), phase.Count.ToString("#,0", CultureInfo.InvariantCulture),
                    $"{phase.PerSecond:#,0.0}", phase.ServerCpuMsEach is { } cpu ? Format(cpu) : "–", step, Format(P(values, 0.5)), Format(P(values, 0.99)), phase.Failures.ToString(CultureInfo.InvariantCulture));
            }
            table.Bars($"{phase.Name}, {phase.Concurrency} client{(phase.Concurrency == 1 ? "" : "s")}", new ChartBar("per second", phase.PerSecond));
        }
        table.Notes.Add($"Server: `rules serve` (Release build) at {baseUrl} with the sample tenant and the sample rules minus the business-hours rule (so flows pass at any hour, as in tests/e2e), embedded SQLite in a temp directory. Client: this program on the same 2 cores, so client and server share the CPU. A flow per second is one link redemption plus one code exchange; creating the link (a Management API call) is done by the client before each flow and is not counted in the flow's latency, but is in its rate (and in the server's CPU time per flow: user + system time of the server process over the phase, from /proc, divided by the flows completed).");
        return table;
    }

    private static ResultTable TimeTable(List<Phase> phases, double[] pipelineMs, double signingMs)
    {
        var flow = phases.First(p => p.Name.StartsWith("impersonation", StringComparison.Ordinal) && p.Concurrency == 1);
        var token = phases.First(p => p.Name.StartsWith("token", StringComparison.Ordinal) && p.Concurrency == 1);
        var redemption = P(flow.LatenciesMs["link redemption"], 0.5);
        var exchange = P(flow.LatenciesMs["code exchange"], 0.5);
        var tokenMs = P(token.LatenciesMs["token"], 0.5);
        var pipeline = P(pipelineMs, 0.5);
        var table = new ResultTable("server-time", "Where a flow's time goes (one client, median ms)", "ms, median", logScale: false)
            .Headers("Request", "Whole request (client-side p50)", "Rule pipeline (server's own timing)", "JWT signing (RS256, measured here × tokens)", "Rest: HTTP, SQLite, JSON, validation");
        table.Row("GET link (redemption)", Format(redemption), Format(pipeline), "0 (code only)", Format(redemption - pipeline));
        table.Row("POST /oauth/token authorization_code", Format(exchange), "0", $"{Format(2 * signingMs)} (2 tokens)", Format(exchange - 2 * signingMs));
        table.Row("POST /oauth/token client_credentials", Format(tokenMs), "0", $"{Format(signingMs)} (1 token)", Format(tokenMs - signingMs));
        table.Bars("link redemption", new ChartBar("rule pipeline", pipeline), new ChartBar("rest", redemption - pipeline));
        table.Bars("code exchange", new ChartBar("JWT signing", 2 * signingMs), new ChartBar("rest", exchange - 2 * signingMs));
        table.Bars("client_credentials", new ChartBar("JWT signing", signingMs), new ChartBar("rest", tokenMs - signingMs));
        table.Notes.Add($"Rule pipeline: median of details.timings.totalMs over the last {pipelineMs.Length} successful impersonated logins in the audit trail (GET /api/v2/logs). JWT signing: one RS256 token with JsonWebTokenHandler and a 2048-bit key timed in this process ({signingMs:0.000} ms); the server signs an ID and an access token per code exchange. The rest is found by subtraction; the profile below splits it further.");
        return table;
    }
}

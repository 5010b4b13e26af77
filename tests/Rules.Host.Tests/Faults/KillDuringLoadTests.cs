using System.Collections.Concurrent;
using System.Net;
using Dapper;
using Microsoft.Data.Sqlite;
using Rules.Soak;
using Xunit.Abstractions;

namespace Rules.Host.Tests.Faults;

/// <summary>
/// Kill -9 in the middle of a loopback load, then restart on the same data directory. Whatever the clients were
/// handed before the kill is on record, nothing handed out works a second time, every consumed link has its audit entry,
/// and the database and its audit chain are intact.
/// This is the CI form: a few seconds of load from four clients.
/// </summary>
public class KillDuringLoadTests(ITestOutputHelper output)
{
    private const int Clients = 4;
    private static readonly TimeSpan LoadBeforeKill = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_kill_mid_load_and_a_restart_every_code_token_and_consumed_link_is_audited_and_none_works_again()
    {
        using var server = new RulesServerProcess();
        await server.StartAsync(StartTimeout);
        using var http = ImpersonationFlowClient.CreateHttpClient();
        var client = new ImpersonationFlowClient(http, server.BaseUri);
        (await client.ManagementTokenAsync()).Succeeded.Should().BeTrue();

        // Held back as controls: handed out before the kill and never used, so each must work exactly once after the restart.
        var heldLink = (await client.CreateLinkAsync("held-link")).Value!;

        var handedOut = new HandedOut();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Clients).Select(i => Task.Run(() => DriveUntilRefusedAsync(client, handedOut, $"c{i}", stop.Token))).ToArray();
        await Task.Delay(LoadBeforeKill);
        var heldCode = (await client.FollowAsync((await client.CreateLinkAsync("held-code")).Value!)).Value!;
        server.KillHard();
        stop.Cancel();
        await Task.WhenAll(load);
        output.WriteLine($"before the kill: {handedOut.Links.Count} links, {handedOut.Codes.Count} codes, {handedOut.Tokens.Count} tokens handed out");
        handedOut.Tokens.Should().NotBeEmpty("the load ran for a few seconds before the kill");

        await server.StartAsync(StartTimeout);

        // First, while the held code is young (codes live 60 s): what was issued and unused survives the restart, once.
        (await Task.WhenAll(client.ExchangeAsync(heldCode), client.ExchangeAsync(heldCode))).Count(r => r.Succeeded).Should().Be(1, "the held code works once");
        (await Task.WhenAll(client.FollowAsync(heldLink), client.FollowAsync(heldLink))).Count(r => r.Succeeded).Should().Be(1, "the held link works once");

        using var database = OpenDatabase(server.DataDirectory);
        var loginDecisions = database.Query<(string LinkId, string DecisionId)>(
            "SELECT json_extract(details, '$.link_id'), json_extract(details, '$.decision_id') FROM audit_log WHERE type = 's'").ToList();
        var decisionByLink = loginDecisions.ToDictionary(l => l.LinkId, l => l.DecisionId);
        foreach (var link in handedOut.Codes.Keys)
        {
            decisionByLink.Should().ContainKey(ImpersonationFlowClient.LinkId(link), "a code reached the client, so its login is on record");
        }
        var exchangedDecisions = database.Query<string>("SELECT json_extract(details, '$.decision_id') FROM audit_log WHERE type = 'seacft'").ToHashSet();
        foreach (var link in handedOut.Tokens.Values)
        {
            exchangedDecisions.Should().Contain(decisionByLink[ImpersonationFlowClient.LinkId(link)], "tokens reached the client, so the exchange is on record");
        }

        // Replays after the restart: what was redeemed before the kill is refused; what was in flight works at most once.
        var (linksRefused, linksWorked) = await ReplayLinksAsync(client, handedOut);
        var (codesRefused, codesWorked) = await ReplayCodesAsync(client, handedOut);
        output.WriteLine($"after the restart: {linksRefused} link replays and {codesRefused} code replays refused; " +
                         $"{linksWorked} links and {codesWorked} codes in flight at the kill worked (once each)");

        database.Query<long>("SELECT COUNT(*) FROM audit_log WHERE type = 's' GROUP BY json_extract(details, '$.link_id') HAVING COUNT(*) > 1")
            .Should().BeEmpty("no link logged in twice");
        database.Query<long>("SELECT COUNT(*) FROM audit_log WHERE type = 'seacft' GROUP BY json_extract(details, '$.decision_id') HAVING COUNT(*) > 1")
            .Should().BeEmpty("no code was exchanged twice");
        database.ExecuteScalar<string>("PRAGMA integrity_check").Should().Be("ok");

        // A link burned without a trace is impossible: every consumed link has its entry, even those consumed in the
        // instant before the kill whose login never finished.
        database.Query<string>("""
            SELECT 'lnk_' || substr(token_hash, 1, 16) FROM impersonation_links WHERE consumed_at IS NOT NULL
            EXCEPT SELECT json_extract(details, '$.link_id') FROM audit_log WHERE type = 'impersonation_link_consumed'
            """).Should().BeEmpty("each consumption commits with its audit entry");
        database.ExecuteScalar<long>("SELECT COUNT(*) FROM impersonation_links WHERE consumed_at IS NOT NULL").Should().BeGreaterThan(0);
        // And the chain survived the kill whole.
        using var store = new Rules.Host.Storage.SqliteDatabase(Path.Combine(server.DataDirectory, "rules.db"));
        Rules.Host.Audit.AuditChainVerifier.Verify(store).Problems.Should().BeEmpty();
    }

    /// <summary>One client repeating create link → follow → exchange, remembering what it was handed, until the server is gone.</summary>
    private static async Task DriveUntilRefusedAsync(ImpersonationFlowClient client, HandedOut handedOut, string name, CancellationToken stop)
    {
        try
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var link = await client.CreateLinkAsync($"{name}-{i}");
                link.Status.Should().Be(200);
                handedOut.Links.Enqueue(link.Value!);
                var code = await client.FollowAsync(link.Value!);
                code.Succeeded.Should().BeTrue($"the login should be allowed (status {code.Status})");
                handedOut.Codes[link.Value!] = code.Value!;
                var token = await client.ExchangeAsync(code.Value!);
                token.Succeeded.Should().BeTrue($"the exchange should succeed (status {token.Status})");
                handedOut.Tokens[code.Value!] = link.Value!;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The server was killed under this request.
        }
    }

    private static async Task<(int Refused, int Worked)> ReplayLinksAsync(ImpersonationFlowClient client, HandedOut handedOut)
    {
        var (refused, worked) = (0, 0);
        foreach (var link in handedOut.Links)
        {
            var redeemedBefore = handedOut.Codes.ContainsKey(link);
            var successes = 0;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var follow = await client.FollowAsync(link);
                successes += follow.Succeeded ? 1 : 0;
                if (!follow.Succeeded)
                {
                    follow.Status.Should().Be((int)HttpStatusCode.BadRequest);
                }
            }
            (redeemedBefore ? 0 : 1).Should().BeGreaterThanOrEqualTo(successes, $"link {ImpersonationFlowClient.LinkId(link)} works at most once in all");
            refused += 2 - successes;
            worked += successes;
        }
        return (refused, worked);
    }

    private static async Task<(int Refused, int Worked)> ReplayCodesAsync(ImpersonationFlowClient client, HandedOut handedOut)
    {
        var (refused, worked) = (0, 0);
        foreach (var code in handedOut.Codes.Values)
        {
            var exchangedBefore = handedOut.Tokens.ContainsKey(code);
            var successes = 0;
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var exchange = await client.ExchangeAsync(code);
                successes += exchange.Succeeded ? 1 : 0;
                if (!exchange.Succeeded)
                {
                    exchange.Status.Should().Be((int)HttpStatusCode.BadRequest);
                }
            }
            (exchangedBefore ? 0 : 1).Should().BeGreaterThanOrEqualTo(successes, "a code works at most once in all");
            refused += 2 - successes;
            worked += successes;
        }
        return (refused, worked);
    }

    private static SqliteConnection OpenDatabase(string dataDirectory)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "rules.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>What the clients were handed before the kill: every link; the code each followed link gave; the link behind each exchanged code.</summary>
    private sealed class HandedOut
    {
        public ConcurrentQueue<string> Links { get; } = new();
        public ConcurrentDictionary<string, string> Codes { get; } = new();
        public ConcurrentDictionary<string, string> Tokens { get; } = new();
    }
}

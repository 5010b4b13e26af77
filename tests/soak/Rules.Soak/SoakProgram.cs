namespace Rules.Soak;

/// <summary>
/// The soak's load client (tests/soak/run starts the server and calls this): one Management API token, then the
/// impersonation flow from several clients for the set duration while the server's memory and runtimes are sampled,
/// then the audit trail is matched against what was handed out. With several servers the requests go round-robin
/// over them (one token, from whichever answers first), or with --balance sticky each server gets its own flow client and token.
/// With --http-upstream it first starts the loopback service the server's rule calls (each answer 200 ms late). Exit 0 when every check passes, 1 when one fails, 2 on bad input.
/// </summary>
public static class SoakProgram
{
    public static async Task<int> Main(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(SoakOptions.Usage);
            return 2;
        }

        using var http = ImpersonationFlowClient.CreateHttpClient();
        IReadOnlyList<ImpersonationFlowClient> clients = options.Sticky
            ? [.. options.BaseUris.Select(uri => new ImpersonationFlowClient(http, uri, options.Issuer))]
            : [new ImpersonationFlowClient(http, options.BaseUris, options.Issuer)];
        foreach (var client in clients)
        {
            var token = await client.ManagementTokenAsync();
            if (!token.Succeeded)
            {
                Console.Error.WriteLine($"soak: the Management API token request answered {token.Status}");
                return 1;
            }
        }

        // The upstream is up before the first login, so every rule's call finds it.
        await using var upstream = options.HttpUpstreamPort is { } port ? await SlowUpstream.StartAsync(port, TimeSpan.FromMilliseconds(200)) : null;
        var sampler = new ServerSampler(http, options.BaseUri, options.ServerPid);
        using var stopSampling = new CancellationTokenSource();
        var sampling = sampler.RunAsync(TimeSpan.FromSeconds(1), stopSampling.Token);
        var started = DateTime.UtcNow;
        var tally = await SoakLoad.RunAsync(clients, options);
        var elapsed = DateTime.UtcNow - started;
        stopSampling.Cancel();
        await sampling;

        var audit = options switch
        {
            { Database: { } database } => AuditReconciliation.ReadPostgres(database, tally.RedeemedLinkIds.ToArray()),
            { DataDirectory: { } data } => AuditReconciliation.Read(data, tally.RedeemedLinkIds.ToArray()),
            _ => null,
        };
        var report = new SoakReport(options, tally, audit, sampler.Samples, elapsed, upstream is null ? null : (upstream.Answered, upstream.SlowestAnswer));
        report.Write(Console.Out);
        return report.Failures().Count == 0 ? 0 : 1;
    }
}

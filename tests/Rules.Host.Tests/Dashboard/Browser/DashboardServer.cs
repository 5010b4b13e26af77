using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Rules.Host.Management;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Dashboard.Browser;

/// <summary>
/// The real server on a real socket (Kestrel on a free loopback port, a fresh data directory seeded from the sample
/// tenant) for a real browser to talk to. Like tests/e2e/impersonation-flow.sh, it can run with the sample's
/// business-hours rule switched off, so the allowed path passes at any hour.
/// </summary>
public sealed class DashboardServer : IDisposable
{
    public const string BusinessHoursRule = "Impersonation only during support business hours";

    private readonly RulesHostFactory _factory;

    public DashboardServer(IDictionary<string, string?>? settings = null, bool withoutBusinessHours = true)
    {
        var port = FreePort();
        _factory = new RulesHostFactory(settings);
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        _factory.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";
        if (withoutBusinessHours)
        {
            var editor = Service<RuleSetEditor>();
            var rule = Service<RuleStore>().List().Single(r => r.Name == BusinessHoursRule);
            editor.UpdateRule(rule.Id, new RuleUpdateRequest(null, null, null, Enabled: false), Rules.Host.Audit.ChangeActor.Settings("test set-up")).IsError.Should().BeFalse();
        }
    }

    public string BaseUrl { get; }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    public void Dispose() => _factory.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

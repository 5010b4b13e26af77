using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rules.Host.Tenant;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Storage;

/// <summary>
/// The sample tenant's secrets are published, so an empty store receives them only when asked (--seed-samples,
/// Rules:SeedSamples), on both stores; without it the store stays empty and the log says how to seed it.
/// </summary>
public sealed class SampleSeedingTests
{
    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void An_empty_store_stays_empty_without_the_flag_and_the_log_says_how_to_seed(string kind)
    {
        using var store = TestStore.Create(kind);
        var logs = new CapturedLogs();
        using var factory = Server(store, logs, seedSamples: false);
        using var server = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));

        server.Services.GetRequiredService<TenantStore>().ListClients().Should().BeEmpty();
        logs.Messages.Should().ContainSingle(m => m.StartsWith("The store is empty and was not seeded", StringComparison.Ordinal))
            .Which.Should().Contain("--seed FILE").And.Contain("--seed-samples");
    }

    [Theory]
    [MemberData(nameof(TestStore.Kinds), MemberType = typeof(TestStore))]
    public void With_the_flag_an_empty_store_gets_the_sample_tenant(string kind)
    {
        using var store = TestStore.Create(kind);
        var logs = new CapturedLogs();
        using var factory = Server(store, logs, seedSamples: true);
        using var server = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(logs)));

        server.Services.GetRequiredService<TenantStore>().ListClients().Select(c => c.ClientId).Should().Contain(HostHarness.PortalId);
        logs.Messages.Should().Contain(m => m.StartsWith("Seeded the tenant from", StringComparison.Ordinal) && m.EndsWith("tenant.json", StringComparison.Ordinal));
        logs.Messages.Should().NotContain(m => m.StartsWith("The store is empty", StringComparison.Ordinal));
    }

    private static RulesHostFactory Server(TestStore store, CapturedLogs logs, bool seedSamples)
    {
        var factory = new RulesHostFactory(new Dictionary<string, string?> { ["Rules:Database"] = store.ConnectionString });
        // The factory seeds from the sample file by default, as most tests want; here nothing names a seed file.
        factory.Settings.Remove("Rules:SeedFile");
        if (seedSamples)
        {
            factory.Settings["Rules:SeedSamples"] = "true";
        }
        return factory;
    }

    private sealed class CapturedLogs : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}

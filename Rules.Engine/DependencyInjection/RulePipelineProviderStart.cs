using Microsoft.Extensions.Hosting;
using Rules.Engine.Serving;

namespace Rules.Engine.DependencyInjection;

/// <summary>Loads the first rule set when the host starts (a bad source shows in the start-up log, not at the first login).</summary>
internal sealed class RulePipelineProviderStart(RulePipelineProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        provider.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

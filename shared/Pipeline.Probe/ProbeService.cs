using Microsoft.Extensions.Hosting;

namespace Pipeline.Probe;

/// <summary>The scheduled probe as a hosted service: a round every <see cref="ProbeOptions.Interval"/> until the host stops.</summary>
public sealed class ProbeService(ProbeRunner runner, IProbeSink sink) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunScheduledAsync(sink, stoppingToken);
}

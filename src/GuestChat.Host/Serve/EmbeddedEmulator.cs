using GuestChat.Client;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;
using Microsoft.Extensions.Options;

namespace GuestChat.Host.Serve;

/// <summary>
/// The emulator the service talks to when <c>Target:Environment</c> is <c>embedded</c>: started on a
/// free loopback port before the actor system (it is registered first), stopped after it.
/// </summary>
internal sealed class EmbeddedEmulator(IOptions<TargetOptions> target, ILoggerFactory logs) : IHostedService, IAsyncDisposable, GuestChat.Host.Amqp.IChatDefaults
{
    private GuestChatEmulator? _emulator;

    /// <summary>The running emulator, or null when the target is elsewhere.</summary>
    public GuestChatEmulator? Emulator => _emulator;

    /// <summary>
    /// What a create request that does not say gets: the <c>Target:*</c> settings, and for what they leave
    /// out, the embedded emulator's own organization, deployment and queue (validation makes a real target set all three).
    /// </summary>
    public EmulatorChatDefaults ChatDefaults
    {
        get
        {
            var own = _emulator?.ChatDefaults;
            return new EmulatorChatDefaults(
                target.Value.OrganizationId ?? own?.OrganizationId ?? throw new InvalidOperationException("Target:OrganizationId is not set."),
                target.Value.DeploymentId ?? own?.DeploymentId ?? throw new InvalidOperationException("Target:DeploymentId is not set."),
                target.Value.Queue ?? own?.Queue ?? throw new InvalidOperationException("Target:Queue is not set."));
        }
    }

    /// <summary>Where the client sends its calls: the embedded emulator or the configured environment.</summary>
    public GuestChatEnvironment Environment => _emulator is { } emulator
        ? GuestChatEnvironment.FromBaseUrl(emulator.BaseUrl)
        : GuestChatEnvironment.Parse(target.Value.Environment);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!target.Value.IsEmbedded)
        {
            return;
        }

        var options = new EmulatorOptions { Faults = new FaultOptions { Profile = target.Value.EmulatorFaults } };
        _emulator = await GuestChatEmulator.StartAsync(options, loggerFactory: logs, cancellationToken: cancellationToken);
        logs.CreateLogger<EmbeddedEmulator>().LogInformation("Embedded emulator at {BaseUrl} (faults: {Faults})", _emulator.BaseUrl, target.Value.EmulatorFaults);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _emulator, null) is { } emulator)
        {
            await emulator.DisposeAsync();
        }
    }
}

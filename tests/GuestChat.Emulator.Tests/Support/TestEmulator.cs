using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Tests.Support;

/// <summary>An emulator on a free loopback port with a quick life cycle, and an HTTP client pointed at it.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    private TestEmulator(GuestChatEmulator emulator)
    {
        Emulator = emulator;
        Http = new HttpClient { BaseAddress = emulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public GuestChatEmulator Emulator { get; }

    public HttpClient Http { get; }

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = EmulatorOptions.Quick();
        configure?.Invoke(options);
        return new TestEmulator(await GuestChatEmulator.StartAsync(options));
    }

    public Task<TestGuest> GuestAsync(string queue = EmulatorDefaults.QueueName, string deploymentId = EmulatorDefaults.DeploymentId, string displayName = "Test Guest") =>
        TestGuest.CreateAsync(Http, queue, deploymentId, displayName);

    public async Task<TestGuest> ConnectedGuestAsync(string queue = EmulatorDefaults.QueueName, string deploymentId = EmulatorDefaults.DeploymentId)
    {
        var guest = await GuestAsync(queue, deploymentId);
        await guest.AttachAsync();
        await guest.WaitForAgentAsync();
        return guest;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }
}

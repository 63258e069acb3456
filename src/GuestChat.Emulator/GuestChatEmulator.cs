using GuestChat.Emulator.Control;
using GuestChat.Emulator.Options;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GuestChat.Emulator;

/// <summary>
/// The emulator hosted in-process on Kestrel, on a free loopback port unless told otherwise. For
/// tests and for the service's embedded mode:
/// <code>await using var emulator = await GuestChatEmulator.StartAsync();</code>
/// </summary>
public sealed class GuestChatEmulator : IRunningEmulator
{
    private readonly WebApplication _app;

    private GuestChatEmulator(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The API base URL, for example <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The options in force (defaults filled in).</summary>
    public EmulatorOptions Options => _app.Services.Platform().Options;

    /// <inheritdoc />
    public EmulatorChatDefaults ChatDefaults => EmulatorChatDefaults.Of(Options);

    /// <summary>Everything the emulator counted, faults included.</summary>
    public EmulatorCounters Counters => _app.Services.Platform().Counters;

    /// <summary>The faults in force; set to change them at once.</summary>
    public FaultSettings Faults
    {
        get => _app.Services.Platform().Faults;
        set => _app.Services.Platform().Faults = value;
    }

    /// <summary>
    /// Starts an emulator. <paramref name="url"/> defaults to a free loopback port; logs go to
    /// <paramref name="loggerFactory"/> when given (a host's own pipeline), else to the console at Warning.
    /// </summary>
    public static async Task<GuestChatEmulator> StartAsync(EmulatorOptions? options = null, string url = "http://127.0.0.1:0", ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (loggerFactory is not null)
        {
            // A provider rather than the factory itself, so that this builder's filters (framework logs
            // at Warning: they would print event-stream URLs, and so JWTs) still apply.
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new ForwardingLoggerProvider(loggerFactory));
        }

        builder.WebHost.UseUrls(url);
        builder.AddGuestChatEmulator(options ?? new EmulatorOptions());
        var app = builder.Build();
        app.UseGuestChatEmulator();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GuestChatEmulator(app, new Uri(address));
    }

    /// <summary>One chat as the control API shows it, with transcript; null when unknown.</summary>
    public ConversationSnapshot? Conversation(string conversationId) =>
        _app.Services.Platform().Find(conversationId)?.Snapshot(withTranscript: true);

    /// <inheritdoc />
    public Task<ConversationSnapshot?> ConversationAsync(string conversationId, CancellationToken cancellationToken) => Task.FromResult(Conversation(conversationId));

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ConversationIdsAsync(DateTimeOffset? createdSince, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _app.Services.Platform().Conversations.Where(c => createdSince is null || c.CreatedAt >= createdSince).Select(c => c.Id)]);

    /// <summary>All chats the emulator still holds, without transcripts.</summary>
    public IReadOnlyList<ConversationSnapshot> Conversations() =>
        _app.Services.Platform().Conversations.Select(c => c.Snapshot(withTranscript: false)).ToList();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Hands the emulator's log lines to a host's logger factory.</summary>
internal sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

    public void Dispose()
    {
        // The factory belongs to the host.
    }
}

using System.Globalization;
using System.Net.Http.Json;
using GuestChat.Emulator.Control;

namespace GuestChat.Emulator;

/// <summary>
/// An emulator that is already running somewhere, reached through its control API: what
/// <see cref="EmulatorProcess"/> uses for its own child, and what <c>run --target URL</c> uses to check
/// its chats against the transcripts when the target is an emulator.
/// </summary>
public sealed class EmulatorControlClient : IRunningEmulator
{
    private readonly HttpClient _control;

    private EmulatorControlClient(HttpClient control, Uri baseUrl, EmulatorChatDefaults chatDefaults)
    {
        _control = control;
        BaseUrl = baseUrl;
        ChatDefaults = chatDefaults;
    }

    /// <inheritdoc />
    public Uri BaseUrl { get; }

    /// <inheritdoc />
    public EmulatorChatDefaults ChatDefaults { get; }

    /// <summary>For an emulator whose defaults the caller knows (it started it).</summary>
    internal static EmulatorControlClient For(Uri baseUrl, EmulatorChatDefaults chatDefaults) =>
        new(new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) }, baseUrl, chatDefaults);

    /// <summary>
    /// The emulator at <paramref name="baseUrl"/>, its defaults read from its control API; null when
    /// nothing there answers as an emulator (a real Genesys region, for one).
    /// </summary>
    public static async Task<EmulatorControlClient?> TryConnectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var control = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await control.GetAsync("/emulator", patience.Token);
            var info = response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json"
                ? await response.Content.ReadFromJsonAsync(ControlJsonContext.Default.EmulatorInfo, patience.Token)
                : null;
            var deployment = info?.Deployments.FirstOrDefault(d => d.Enabled && !d.RequireAuthentication);
            if (info is null || deployment is null || info.Queues.Count == 0)
            {
                control.Dispose();
                return null;
            }

            return new EmulatorControlClient(control, baseUrl, new EmulatorChatDefaults(info.OrganizationId, deployment.Id, info.Queues[0].Name));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            control.Dispose();
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<ConversationSnapshot?> ConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        using var response = await _control.GetAsync($"/emulator/conversations/{Uri.EscapeDataString(conversationId)}", cancellationToken);
        return response.IsSuccessStatusCode
            ? await response.Content.ReadFromJsonAsync(ControlJsonContext.Default.ConversationSnapshot, cancellationToken)
            : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ConversationIdsAsync(DateTimeOffset? createdSince, CancellationToken cancellationToken)
    {
        var query = createdSince is { } since ? "?createdSince=" + Uri.EscapeDataString(since.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) : "";
        var list = await _control.GetFromJsonAsync("/emulator/conversations" + query, ControlJsonContext.Default.ListConversationSnapshot, cancellationToken);
        return [.. (list ?? []).Select(c => c.Id)];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _control.Dispose();
        return ValueTask.CompletedTask;
    }
}

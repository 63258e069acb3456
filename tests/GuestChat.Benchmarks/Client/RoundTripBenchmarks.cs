using BenchmarkDotNet.Attributes;
using GuestChat.Client;
using GuestChat.Client.Authentication;
using GuestChat.Client.Http;
using GuestChat.Client.Models;
using GuestChat.Emulator;
using GuestChat.Emulator.Options;

namespace GuestChat.Benchmarks.Client;

/// <summary>A request round trip through the client to the emulator over loopback HTTP (limiter off, so the figure is the client and the wire).</summary>
[MemoryDiagnoser]
public class RoundTripBenchmarks
{
    private GuestChatEmulator _emulator = null!;
    private GuestChatClient _client = null!;
    private GuestJwt _jwt;
    private string _conversationId = "";
    private string _memberId = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await GuestChatEmulator.StartAsync(new EmulatorOptions { Timing = new TimingOptions { GraceWindow = TimeSpan.FromHours(1) } });
        _client = new GuestChatClient(new GuestChatClientOptions
        {
            Environment = GuestChatEnvironment.FromBaseUrl(_emulator.BaseUrl),
            RateLimit = new RateLimitOptions { RequestsPerSecond = 0 },
        });
        var created = await _client.CreateConversationAsync(new CreateWebChatConversationRequest
        {
            OrganizationId = EmulatorDefaults.OrganizationId,
            DeploymentId = EmulatorDefaults.DeploymentId,
            RoutingTarget = new WebChatRoutingTarget { TargetType = RoutingTargetType.Queue, TargetAddress = EmulatorDefaults.SilentQueueName },
            MemberInfo = new GuestMemberInfo { DisplayName = "Benchmark" },
        }, CancellationToken.None);
        _jwt = new GuestJwt(created.Value!.Jwt!);
        _conversationId = created.Value.Id!;
        _memberId = created.Value.Member!.Id!;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Benchmark]
    public async Task<WebChatMemberInfo?> GetMember() =>
        (await _client.GetMemberAsync(_jwt, _conversationId, _memberId, CancellationToken.None)).Value;

    [Benchmark]
    public async Task<WebChatMessageEntityList?> GetMessagesPage() =>
        (await _client.GetMessagesAsync(_jwt, _conversationId, new MessagePageQuery(MaxResults: 25), CancellationToken.None)).Value;
}

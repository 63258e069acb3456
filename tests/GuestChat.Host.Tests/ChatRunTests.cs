using GuestChat.Actors.Conversations;
using GuestChat.Client.Models;
using GuestChat.Host.Run;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Tests;

/// <summary>How <c>run</c> waits for each reply in one chat: what counts it as answered, and as missing.</summary>
public sealed class ChatRunTests
{
    private static readonly ConversationKey Key = new("chat-1");
    private static readonly Member Agent = new("agent-1", MemberRole.Agent, "Agent", MemberState.Connected);

    [Fact]
    public async Task A_wait_for_replies_ends_once_that_many_have_arrived_and_not_before()
    {
        var run = new ChatRun(Key);
        run.On(Reply("m-1"));

        Assert.True(await run.WaitForRepliesAsync(1, TimeSpan.FromSeconds(30)));
        var second = run.WaitForRepliesAsync(2, TimeSpan.FromSeconds(30));
        Assert.False(second.IsCompleted);

        run.On(Reply("m-2"));

        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, run.ReceivedCount);
    }

    [Fact]
    public async Task A_wait_past_its_deadline_ends_as_unanswered_and_a_late_reply_still_counts()
    {
        var run = new ChatRun(Key);
        var waiting = run.WaitForRepliesAsync(1, TimeSpan.FromMilliseconds(200));

        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        run.On(Reply("m-1"));
        Assert.True(await run.WaitForRepliesAsync(1, TimeSpan.FromSeconds(30)));
    }

    private static MessageReceived Reply(string id) => new(Key, id, Agent, "Hello", BodyType.Standard, DateTimeOffset.UtcNow);
}

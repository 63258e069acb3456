using GuestChat.Actors.Conversations.State;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class SendQueueSpecs
{
    [Fact]
    public void Sends_go_one_at_a_time_in_the_order_they_came()
    {
        var sends = new SendQueue<string>();
        Assert.True(sends.Offer("first"));
        Assert.False(sends.Offer("second"));
        Assert.False(sends.Offer("third"));
        Assert.Equal(2, sends.Waiting);

        Assert.True(sends.TryNext(out var next));
        Assert.Equal("second", next);
        Assert.True(sends.InFlight);
        Assert.True(sends.TryNext(out next));
        Assert.Equal("third", next);
        Assert.False(sends.TryNext(out _));
        Assert.False(sends.InFlight);
        Assert.True(sends.Offer("fourth"));
    }

    [Fact]
    public void When_the_chat_ends_the_waiting_sends_are_handed_back_to_be_answered()
    {
        var sends = new SendQueue<string>();
        sends.Offer("in flight");
        sends.Offer("a");
        sends.Offer("b");

        Assert.Equal(["a", "b"], sends.Drain());
        Assert.False(sends.InFlight);
        Assert.Equal(0, sends.Waiting);
    }
}

using GuestChat.Actors.Conversations;
using GuestChat.Actors.Conversations.State;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationQueries;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class TranscriptStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_seen_twice_is_kept_once_and_the_second_time_says_so()
    {
        var transcript = new TranscriptState();
        Assert.True(transcript.Apply(Line("m-1", 0)));
        Assert.False(transcript.Apply(Line("m-1", 0) with { Body = "changed" }));

        Assert.Single(transcript.Lines);
        Assert.Equal("hello", transcript.Lines[0].Body);
    }

    [Theory]
    [InlineData(true, "AgentEnded")]
    [InlineData(false, "Abandoned")]
    public void A_chat_that_ended_unwatched_ended_by_the_agent_when_the_agent_left_just_before_the_guest(bool agentLeftFirst, string expected)
    {
        var transcript = new TranscriptState();
        transcript.Apply(new TranscriptLine("j-1", "agent-1", MemberRole.Agent, "", BodyType.MemberJoin, T0));
        transcript.Apply(Line("m-1", 1));
        if (agentLeftFirst)
        {
            transcript.Apply(new TranscriptLine("l-1", "agent-1", MemberRole.Agent, "", BodyType.MemberLeave, T0.AddSeconds(2)));
        }

        transcript.Apply(new TranscriptLine("l-2", "guest-1", MemberRole.Customer, "", BodyType.MemberLeave, T0.AddSeconds(2)));

        Assert.Equal(expected, transcript.EndedWhileAway("guest-1").ToString());
    }

    [Fact]
    public void Numbers_given_to_messages_are_kept_and_listed_in_order_with_how_each_was_learned()
    {
        var transcript = new TranscriptState();
        transcript.Apply(Line("m-1", 0));
        transcript.Apply(Line("m-2", 1), fromStream: false);
        transcript.Apply(Line("m-3", 2));
        transcript.Number("m-3", 7, posted: false);
        transcript.Number("m-2", 5, posted: true);

        Assert.Equal(0, transcript.SequenceOf("m-1"));
        Assert.Equal([("m-2", 5L, true), ("m-3", 7L, false)], transcript.Numbered.Select(n => (n.Line.MessageId, n.Sequence, n.Posted)));
    }

    [Fact]
    public void A_message_that_arrives_late_takes_its_place_by_timestamp_and_the_newest_stays_the_backfill_start()
    {
        var transcript = new TranscriptState();
        transcript.Apply(Line("m-1", 0));
        transcript.Apply(Line("m-3", 3));
        transcript.Apply(Line("m-2", 2));

        Assert.Equal(["m-1", "m-2", "m-3"], transcript.Lines.Select(l => l.MessageId));
        Assert.Equal("m-3", transcript.BackfillAfterMessageId);
        Assert.Equal(T0.AddSeconds(3), transcript.BackfillAfterAt);
    }

    [Fact]
    public void Messages_with_the_same_timestamp_keep_their_arrival_order_and_the_later_one_is_the_newest()
    {
        var transcript = new TranscriptState();
        transcript.Apply(Line("a", 1));
        transcript.Apply(Line("b", 1));

        Assert.Equal(["a", "b"], transcript.Lines.Select(l => l.MessageId));
        Assert.Equal("b", transcript.BackfillAfterMessageId);
    }

    [Fact]
    public void The_guests_own_message_known_from_its_post_does_not_move_the_backfill_start_until_the_stream_brings_it()
    {
        var transcript = new TranscriptState();
        transcript.Apply(Line("agent-1", 1));
        Assert.True(transcript.Apply(Line("mine", 5) with { SenderId = "guest" }, fromStream: false));

        // An agent message sent at 3 s may still be on its way: the backfill must start before it.
        Assert.Equal("agent-1", transcript.BackfillAfterMessageId);

        // Once the stream brings the guest's message (its echo), everything before it has come too.
        Assert.False(transcript.Apply(Line("mine", 5) with { SenderId = "guest" }));
        Assert.Equal("mine", transcript.BackfillAfterMessageId);
    }

    [Fact]
    public void A_send_with_an_unknown_outcome_is_found_only_as_the_guests_own_recent_untaken_message()
    {
        WebChatMessage Message(string id, string sender, string body, int second) =>
            new() { Id = id, Sender = new WebChatMemberInfo { Id = sender }, Body = body, Timestamp = T0.AddSeconds(second) };
        var recent = new[]
        {
            Message("old", "guest", "hi", -60),
            Message("agent", "agent-1", "hi", 1),
            Message("taken", "guest", "hi", 1),
            Message("mine", "guest", "hi", 2),
        };

        var found = TranscriptState.FindSend(recent, "guest", "hi", T0, id => id == "taken");
        Assert.Equal("mine", found?.Id);
        Assert.Null(TranscriptState.FindSend(recent, "guest", "bye", T0, _ => false));
        Assert.Equal("old", TranscriptState.FindSend([recent[0]], "guest", "hi", T0.AddSeconds(-62), _ => false)?.Id);
    }

    [Fact]
    public void With_a_journal_it_keeps_only_what_a_backfill_could_bring_again_and_what_is_not_written_yet()
    {
        var transcript = new TranscriptState(keepsEveryLine: false);
        for (var i = 0; i < 50; i++)
        {
            transcript.Apply(Line($"m-{i}", i));
            transcript.Number($"m-{i}", i + 1, posted: false);
        }

        // The guest's own message, written from its POST's answer, and an agent message not written yet.
        transcript.Apply(Line("mine", 60) with { SenderId = "guest" }, fromStream: false);
        transcript.Number("mine", 51, posted: true);
        transcript.Apply(Line("m-50", 61));

        Assert.Equal(["m-49", "mine", "m-50"], transcript.Lines.Select(l => l.MessageId));
        Assert.Equal([("m-49", 50L), ("mine", 51L)], transcript.Numbered.Select(n => (n.Line.MessageId, n.Sequence)));
        // What it let go is still known: seen again (a late frame, a POST's answer), it is not taken twice.
        Assert.False(transcript.Apply(Line("m-3", 3)));
        Assert.Equal(4, transcript.SequenceOf("m-3"));

        // Written, the newest stream message lets go of the written lines before it; the backfill starts there.
        transcript.Number("m-50", 52, posted: false);
        Assert.Equal(["m-50"], transcript.Lines.Select(l => l.MessageId));
        Assert.Equal("m-50", transcript.BackfillAfterMessageId);
    }

    [Fact]
    public void Without_a_journal_it_keeps_every_line()
    {
        var transcript = new TranscriptState();
        for (var i = 0; i < 50; i++)
        {
            transcript.Apply(Line($"m-{i}", i));
            transcript.Number($"m-{i}", i + 1, posted: false);
        }

        Assert.Equal(50, transcript.Lines.Count);
    }

    [Fact]
    public void Who_ended_a_chat_while_away_is_told_even_when_the_lines_before_are_let_go()
    {
        var transcript = new TranscriptState(keepsEveryLine: false);
        var lines = new[]
        {
            Line("m-1", 1),
            new TranscriptLine("l-1", "agent-1", MemberRole.Agent, "", BodyType.MemberLeave, T0.AddSeconds(2)),
            new TranscriptLine("l-2", "guest-1", MemberRole.Customer, "", BodyType.MemberLeave, T0.AddSeconds(3)),
        };
        for (var i = 0; i < lines.Length; i++)
        {
            transcript.Apply(lines[i]);
            transcript.Number(lines[i].MessageId, i + 1, posted: false);
        }

        Assert.Equal(["l-2"], transcript.Lines.Select(l => l.MessageId));
        Assert.Equal(ConversationEndReason.AgentEnded, transcript.EndedWhileAway("guest-1"));
    }

    private static TranscriptLine Line(string id, int second) => new(id, "agent-1", MemberRole.Agent, "hello", BodyType.Standard, T0.AddSeconds(second));
}

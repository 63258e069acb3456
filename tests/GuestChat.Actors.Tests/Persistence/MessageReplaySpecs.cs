using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>
/// Reading a chat's messages back from the journal (a transcript, a reader's missed messages): a journal
/// that fails a replay once is asked again, and the query is answered; one that fails twice gets the
/// query answered as failed, never with half of what was read. The journal here is a probe, which can
/// fail a replay on demand as the real one cannot.
/// </summary>
public sealed class MessageReplaySpecs : TestKit
{
    private const string PersistenceId = "conversation-order-4711";
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly object Question = new();

    [Fact]
    public void A_replay_the_journal_fails_once_is_asked_for_again_and_the_query_answered_with_each_message_once()
    {
        var journal = CreateTestProbe();
        var parent = Parent(journal, from: 3, to: 4);

        var first = journal.ExpectMsg<ReplayMessages>();
        Assert.Equal((3, 4, PersistenceId), (first.FromSequenceNr, first.ToSequenceNr, first.PersistenceId));

        // Half read, then the database fails under it.
        journal.Reply(Replayed(3));
        journal.Reply(new ReplayMessagesFailure(new TimeoutException("the journal's call timed out")));

        var second = journal.ExpectMsg<ReplayMessages>(MessageReplay.RetryAfter + TimeSpan.FromSeconds(3));
        Assert.Equal((3, 4, PersistenceId), (second.FromSequenceNr, second.ToSequenceNr, second.PersistenceId));
        journal.Reply(Replayed(3));
        journal.Reply(Replayed(4));
        journal.Reply(new RecoverySuccess(4));

        var read = parent.ExpectMsg<MessageReplay.Read>();
        Assert.Same(Question, read.Request);
        Assert.Null(read.Failure);
        Assert.Equal([("m-3", 3L), ("m-4", 4L)], read.Messages.Select(m => (m.Seen.MessageId, m.Sequence)));
    }

    [Fact]
    public void A_replay_the_journal_fails_twice_answers_the_query_as_failed_and_asks_no_more()
    {
        var journal = CreateTestProbe();
        var parent = Parent(journal, from: 1, to: 2);

        journal.ExpectMsg<ReplayMessages>();
        journal.Reply(new ReplayMessagesFailure(new TimeoutException("first")));
        journal.ExpectMsg<ReplayMessages>(MessageReplay.RetryAfter + TimeSpan.FromSeconds(3));
        journal.Reply(Replayed(1));
        journal.Reply(new ReplayMessagesFailure(new InvalidOperationException("the database is gone")));

        var read = parent.ExpectMsg<MessageReplay.Read>();
        Assert.Equal("the database is gone", read.Failure?.Message);
        Assert.Empty(read.Messages);
        journal.ExpectNoMsg(MessageReplay.RetryAfter + TimeSpan.FromMilliseconds(500));
    }

    private static ReplayedMessage Replayed(long sequence) =>
        new(new Persistent(new MessageSeen($"m-{sequence}", "agent-1", MemberRole.Agent, $"hello {sequence}", BodyType.Standard, T0.AddSeconds(sequence), Told: true), sequence, PersistenceId));

    /// <summary>A parent that starts the replay and passes on what it is told to a probe.</summary>
    private TestProbe Parent(TestProbe journal, long from, long to)
    {
        var parent = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Forwarding(MessageReplay.Props(journal.Ref, PersistenceId, from, to, Question), parent.Ref)));
        return parent;
    }

    private sealed class Forwarding : ReceiveActor
    {
        public Forwarding(Props child, IActorRef to)
        {
            Context.ActorOf(child);
            ReceiveAny(to.Forward);
        }
    }
}

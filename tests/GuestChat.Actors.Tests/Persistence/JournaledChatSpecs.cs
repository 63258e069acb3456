using GuestChat.Actors.Conversations;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Persistence;

/// <summary>The fold of a conversation's facts, and its snapshot: recovering from the snapshot gives what replaying the facts gives.</summary>
public sealed class JournaledChatSpecs
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly IConversationFact[] Facts =
    [
        new ChatCreated("c-1", "m-1", "v1.abc", "wss://streaming.example/x", T0),
        new SendIntended(1, "one", BodyType.Standard, "client-1", T0),
        new SendAccepted(1, "msg-1", T0),
        new SendIntended(2, "two", BodyType.Standard, null, T0),
        new SendGivenUp(2, "constraint.validation"),
        new SendIntended(3, "three", BodyType.Standard, "client-3", T0),
    ];

    [Fact]
    public void Sends_without_an_outcome_are_unresolved_and_accepted_ones_answer_a_repeat_by_client_id()
    {
        var chat = Fold(Facts);

        Assert.Equal([3L], chat.UnresolvedSends.Select(s => s.SendId));
        Assert.Equal("msg-1", chat.AcceptedByClientId["client-1"].MessageId);
        Assert.False(chat.AcceptedByClientId.ContainsKey("client-3"));
        Assert.Equal(4, chat.NextSendId);
    }

    [Fact]
    public void A_snapshot_then_the_later_facts_give_the_same_chat_as_every_fact()
    {
        var snapshot = Fold(Facts[..4]).Snapshot([], null);
        var fromSnapshot = Fold([snapshot, .. Facts[4..], new SendAccepted(3, "msg-3", T0)]);
        var fromFacts = Fold([.. Facts, new SendAccepted(3, "msg-3", T0)]);

        Assert.Equal(fromFacts.Created, fromSnapshot.Created);
        Assert.Empty(fromSnapshot.UnresolvedSends);
        Assert.Equal(fromFacts.AcceptedSends, fromSnapshot.AcceptedSends);
        Assert.Equal(fromFacts.AcceptedByClientId.OrderBy(p => p.Key), fromSnapshot.AcceptedByClientId.OrderBy(p => p.Key));
        Assert.Equal("msg-3", fromSnapshot.AcceptedByClientId["client-3"].MessageId);
        Assert.Equal(fromFacts.NextSendId, fromSnapshot.NextSendId);
    }

    [Fact]
    public void A_long_chat_keeps_its_sends_with_a_client_id_and_only_the_recent_ones_without()
    {
        var facts = new List<IConversationFact>();
        for (var i = 1; i <= 100; i++)
        {
            facts.Add(new SendIntended(i, $"send {i}", BodyType.Standard, i % 10 == 0 ? $"client-{i}" : null, T0.AddSeconds(i)));
            facts.Add(new SendAccepted(i, $"msg-{i}", T0.AddSeconds(i)));
        }

        var chat = Fold(facts);

        // Sends 40 to 100 were accepted within a minute of the newest; before that, only those with a client id.
        Assert.Equal([10L, 20L, 30L, .. Enumerable.Range(40, 61).Select(i => (long)i)], chat.AcceptedSends.Select(a => a.Accepted.SendId));
        Assert.Equal("msg-10", chat.AcceptedByClientId["client-10"].MessageId);
        Assert.Equal(chat.AcceptedSends, Fold([Fold(facts[..120]).Snapshot([], null), .. facts[120..]]).AcceptedSends);
    }

    [Fact]
    public void A_fold_that_let_go_of_the_token_snapshots_the_created_chat_the_session_gives_it()
    {
        var chat = Fold(Facts[..4]);
        var whole = chat.Created!;
        chat.ReleaseSecrets();

        Assert.Equal("", chat.Created!.ProtectedJwt);
        Assert.Equal("", chat.Created.EventStreamUri);
        Assert.Equal(whole.ConversationId, chat.Created.ConversationId);
        Assert.Equal(whole, Fold([chat.Snapshot([], whole)]).Created);
    }

    [Fact]
    public void An_end_settles_every_send_still_open()
    {
        var chat = Fold([.. Facts, new ChatEnded(ConversationEndReason.AgentEnded, null, T0)]);

        Assert.Empty(chat.UnresolvedSends);
        Assert.Equal(ConversationEndReason.AgentEnded, chat.Ended!.Reason);
    }

    private static JournaledChat Fold(IEnumerable<IConversationFact> facts)
    {
        var chat = new JournaledChat();
        foreach (var fact in facts)
        {
            chat.Apply(fact);
        }

        return chat;
    }
}

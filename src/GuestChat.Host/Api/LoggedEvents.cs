using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client.Errors;
using GuestChat.Client.Models;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Api;

/// <summary>
/// A told fact read back from the journal (<see cref="MessageLog"/>) as the event subscribers were told:
/// a message with its sender, the chat's start, its end. For one reader (an SSE stream of every chat, the
/// message-queue outbox): it keeps the members it has seen, from the member events it is shown and, for a
/// sender not seen yet, from the conversation (a member the conversation does not know, or a conversation
/// gone, leaves the sender with its id and role only).
/// </summary>
internal sealed class LoggedEvents(GuestChatConversations conversations)
{
    private readonly Dictionary<(ConversationKey, string), Member> _members = [];

    /// <summary>Keeps a member event's member for the messages that follow.</summary>
    public void Update(ConversationKey key, Member member) => _members[(key, member.Id)] = member;

    /// <summary>The event the fact was told as.</summary>
    public ValueTask<IWithConversationKey> EventOfAsync(LoggedFact logged, CancellationToken cancellationToken) => logged.Fact switch
    {
        // A sender already known (nearly always) costs no task.
        MessageSeen seen when _members.TryGetValue((logged.Key, seen.SenderId), out var sender) => new(Message(logged, seen, sender)),
        MessageSeen seen => MessageAsync(logged, seen, cancellationToken),
        ChatCreated created => new(new Started(logged.Key, created.ConversationId, created.MemberId)),
        ChatEnded ended => new(new Ended(logged.Key, ended.Reason, ended.ErrorCode is { } code
            ? new GuestChatError { Operation = "chat", Kind = FailureKind.Final, Code = code, Message = code }
            : null)),
        _ => throw new ArgumentException($"{logged.Fact.GetType().Name} is not a told fact", nameof(logged)),
    };

    /// <summary>
    /// Looks up, all at once, the members of the chats whose senders in <paramref name="events"/> are not
    /// known yet, so that reading them back one by one waits on no conversation: a reader that joins a
    /// thousand chats mid-conversation would otherwise ask them one after another, in line.
    /// </summary>
    public Task PrepareAsync(IReadOnlyList<IWithConversationKey> events, CancellationToken cancellationToken)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is LoggedFact { Fact: MessageSeen seen } fact && !_members.ContainsKey((fact.Key, seen.SenderId)))
            {
                return LookUpAsync(events.OfType<LoggedFact>(), cancellationToken);
            }
        }

        return Task.CompletedTask;
    }

    private async Task LookUpAsync(IEnumerable<LoggedFact> facts, CancellationToken cancellationToken)
    {
        var unknown = facts
            .Where(f => f.Fact is MessageSeen seen && !_members.ContainsKey((f.Key, seen.SenderId)))
            .Select(f => f.Key)
            .Distinct()
            .ToList();
        if (unknown.Count == 0)
        {
            return;
        }

        var found = await Task.WhenAll(unknown.Select(async key =>
        {
            try
            {
                return (key, (await conversations.GetStatusAsync(key, cancellationToken)).Members);
            }
            catch (Exception e) when (e is ConversationRejectedException or TimeoutException or Akka.Actor.AskTimeoutException)
            {
                return (key, (IReadOnlyList<Member>)[]);
            }
        }));
        foreach (var (key, members) in found)
        {
            foreach (var member in members)
            {
                _members.TryAdd((key, member.Id), member);
            }
        }
    }

    private static MessageReceived Message(LoggedFact logged, MessageSeen seen, Member sender) =>
        new(logged.Key, seen.MessageId, sender, seen.Body, seen.BodyType, seen.Timestamp, logged.Sequence);

    private async ValueTask<IWithConversationKey> MessageAsync(LoggedFact logged, MessageSeen seen, CancellationToken cancellationToken) =>
        Message(logged, seen, await SenderAsync(logged.Key, seen, cancellationToken));

    private async Task<Member> SenderAsync(ConversationKey key, MessageSeen seen, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var member in (await conversations.GetStatusAsync(key, cancellationToken)).Members)
            {
                _members.TryAdd((key, member.Id), member);
            }
        }
        catch (Exception e) when (e is ConversationRejectedException or TimeoutException or Akka.Actor.AskTimeoutException)
        {
            // Told with what the journal has.
        }

        return _members.GetValueOrDefault((key, seen.SenderId)) ?? new Member(seen.SenderId, seen.SenderRole, null, MemberState.Connected);
    }
}

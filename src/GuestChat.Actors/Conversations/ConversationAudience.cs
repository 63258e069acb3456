using Akka.Actor;

namespace GuestChat.Actors.Conversations;

/// <summary>
/// Who hears every conversation of a node (<see cref="ConversationCommands.SubscribeAll"/>), shared by the
/// node's conversations: each tells its events to them itself, so an event reaches such a subscriber in one
/// hop and in the conversation's own order, not through the one actor that keeps the list (which would
/// handle every event of every chat). The <see cref="ConversationManager"/> keeps it on a single node; it
/// changes when a subscriber comes or goes, and is read on every event.
/// </summary>
public sealed class ConversationAudience
{
    private readonly Lock _gate = new();
    /// <summary>The subscribers now: an array that is replaced, never changed, so it is read without a lock.</summary>
    private volatile IActorRef[] _members = [];

    /// <summary>Tells <paramref name="message"/> to every subscriber, as sent by <paramref name="sender"/>.</summary>
    public void Tell(object message, IActorRef sender)
    {
        foreach (var member in _members)
        {
            member.Tell(message, sender);
        }
    }

    internal void Add(IActorRef subscriber)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_members, subscriber) < 0)
            {
                _members = [.. _members, subscriber];
            }
        }
    }

    internal bool Remove(IActorRef subscriber)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_members, subscriber) < 0)
            {
                return false;
            }

            _members = [.. _members.Where(m => !m.Equals(subscriber))];
            return true;
        }
    }
}

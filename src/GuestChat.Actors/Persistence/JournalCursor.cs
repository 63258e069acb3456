using Akka.Actor;
using Akka.Persistence;

namespace GuestChat.Actors.Persistence;

/// <summary>A reader's place in the journal moved forward: everything up to <paramref name="Position"/> was handled.</summary>
public sealed record CursorMoved(long Position) : IConversationFact;

/// <summary>
/// A reader's place in the journal (<see cref="MessageLog"/> positions), kept in the journal itself, so a
/// reader that stops (or whose process dies) goes on from the last place it confirmed: what it handled
/// after that is handed to it again, nothing before it is. Only the newest facts are kept.
/// Asked <see cref="GetPosition"/>, answers the position; told <see cref="Move"/>, answers
/// <see cref="Akka.Done"/> once the new place is written.
/// </summary>
public sealed class JournalCursor : UntypedPersistentActor
{
    private const int CompactEvery = 100;
    private long _position;

    /// <summary>The cursor of the reader <paramref name="name"/>.</summary>
    public JournalCursor(string name) => PersistenceId = "cursor-" + name;

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>A cursor named <paramref name="name"/> (one per reader).</summary>
    public static Props Props(string name) => Akka.Actor.Props.Create(() => new JournalCursor(name));

    /// <inheritdoc />
    protected override void OnRecover(object message)
    {
        if (message is CursorMoved moved)
        {
            _position = Math.Max(_position, moved.Position);
        }
    }

    /// <inheritdoc />
    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case GetPosition:
                Sender.Tell(_position);
                break;

            case Move move when move.Position <= _position:
                Sender.Tell(Akka.Done.Instance);
                break;

            case Move move:
                var sender = Sender;
                Persist(new CursorMoved(move.Position), moved =>
                {
                    _position = moved.Position;
                    sender.Tell(Akka.Done.Instance);
                    if (LastSequenceNr % CompactEvery == 0)
                    {
                        // Only moves at least CompactEvery old: a deleted row near the journal's head would be
                        // a gap its readers have to make sure of before passing (see MessageLog).
                        DeleteMessages(LastSequenceNr - CompactEvery);
                    }
                });
                break;

            case DeleteMessagesSuccess or DeleteMessagesFailure:
                break;

            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Where the reader stands; answered with a <see cref="long"/>.</summary>
    public sealed class GetPosition
    {
        public static GetPosition Instance { get; } = new();
    }

    /// <summary>Everything up to <paramref name="Position"/> was handled.</summary>
    public sealed record Move(long Position);
}

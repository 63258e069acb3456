using Akka.Actor;

namespace GuestChat.Actors.Conversations;

/// <summary>How the conversations answer a command: to whoever asked, and to no one when it was told without a sender.</summary>
internal static class Answers
{
    /// <summary>Tells <paramref name="requester"/> the answer, unless there is no one to tell (then nothing is dead-lettered).</summary>
    public static void Answer(this IActorContext context, IActorRef requester, object answer)
    {
        if (!requester.IsNobody() && !requester.Equals(context.System.DeadLetters))
        {
            requester.Tell(answer, context.Self);
        }
    }
}

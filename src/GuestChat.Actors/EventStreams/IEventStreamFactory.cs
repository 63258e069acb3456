using Akka.Actor;

namespace GuestChat.Actors.EventStreams;

/// <summary>Makes a conversation's socket child; specs put a probe in its place.</summary>
public interface IEventStreamFactory
{
    /// <summary>Starts incarnation <paramref name="incarnation"/> of the socket as a child of <paramref name="context"/>.</summary>
    IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation);

    /// <summary>
    /// The same, told which chat it is for (a Web Messaging socket opens the session of the chat's token,
    /// and names the chat and its guest in what it tells); a guest chat socket needs only the address.
    /// </summary>
    IActorRef Open(IActorContext context, EventStreamAddress address, int incarnation, string conversationId, string memberId, GuestChat.Client.Authentication.GuestJwt jwt) =>
        Open(context, address, incarnation);
}

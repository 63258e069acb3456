using System.Collections.Concurrent;

namespace GuestChat.Emulator.Streaming;

/// <summary>Every open socket, for the heartbeat and fault loops that walk them all.</summary>
internal sealed class SocketRegistry
{
    private readonly ConcurrentDictionary<long, ChatSocket> _sockets = new();

    public int Count => _sockets.Count;

    public void Add(ChatSocket socket) => _sockets.TryAdd(socket.Id, socket);

    public void Remove(ChatSocket socket) => _sockets.TryRemove(socket.Id, out _);

    /// <summary>A moment's view; sockets may come and go while it is walked.</summary>
    public IEnumerable<ChatSocket> All => _sockets.Values;
}

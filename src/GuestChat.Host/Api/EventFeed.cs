using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Host.Metrics;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Api;

/// <summary>
/// A server-sent-events stream of one chat's events (ending with its end) or of every chat's. Events
/// are buffered per reader up to a bound; a reader that falls further behind gets an <c>overflow</c>
/// event and its stream is closed, rather than the service holding an unbounded backlog for it.
/// A comment line every 15 s keeps proxies from closing a quiet stream.
/// <para>
/// Message events carry an <c>id</c> a reader that reconnects gives back as <c>Last-Event-ID</c> (or
/// <c>?lastEventId=</c>) to get every message it missed, then the live events, with no message twice.
/// In a chat's stream the id is the message's sequence number in that chat, and the missed messages come
/// from the conversation. In the stream of every chat, with a durable journal, the id is the message's
/// position in the journal and the messages are read from it (<see cref="MessageLog"/>), so a reader
/// loses none across its own reconnects or a restart of the service; with the in-memory journal that
/// stream has no ids and no catching up.
/// </para>
/// </summary>
internal static class EventFeed
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context, GuestChatConversations conversations, MessageLog log, ServiceMetrics metrics, ConversationKey? key, int buffer, bool clustered = false)
    {
        var cancellationToken = context.RequestAborted;
        var events = Channel.CreateBounded<IWithConversationKey>(new BoundedChannelOptions(buffer) { SingleReader = true });
        var overflowed = 0;
        Exception? logFailure = null;
        void Offer(IWithConversationKey e)
        {
            if (!events.Writer.TryWrite(e) && !cancellationToken.IsCancellationRequested && Interlocked.Exchange(ref overflowed, 1) == 0)
            {
                events.Writer.TryComplete();
            }
        }

        // Every chat's messages come from the journal when there is one (in the order written, each with its position); the rest live.
        // The journal's reader is woken by the writes of this process; in a cluster a message told live from
        // another node wakes it too, rather than its poll.
        var fromLog = key is null && log.Available;
        MessageLog.Following? followed = null;
        using var subscription = await conversations.SubscribeAsync(key, e =>
        {
            if (!(fromLog && e is MessageReceived))
            {
                Offer(e);
            }
            else if (clustered)
            {
                Volatile.Read(ref followed)?.Nudge();
            }
        }, cancellationToken);
        var position = fromLog ? LastEventId(context.Request) ?? await log.NewestPositionAsync(cancellationToken) : 0;
        using var following = fromLog
            ? log.Follow(position, fact =>
            {
                Offer(fact);
                return Task.CompletedTask;
            }, failure =>
            {
                logFailure = failure;
                events.Writer.TryComplete();
            })
            : null;
        Volatile.Write(ref followed, following);

        // Subscribed first, then asked: a message told in between is in both, and written once.
        IReadOnlyList<MessageReceived> replay = [];
        long lastSequence = 0;
        if (key is { } chat)
        {
            var since = await conversations.GetMessagesSinceAsync(chat, LastEventId(context.Request) ?? long.MaxValue, cancellationToken);
            replay = since.Messages;
            lastSequence = replay.Count > 0 ? replay[^1].Sequence : LastEventId(context.Request) ?? since.Newest;
        }
        var logged = new LoggedEvents(conversations);

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        metrics.EventStream(+1);
        using var json = new Utf8JsonWriter(response.BodyWriter);
        try
        {
            // Where this reader stands, as an id with no event: a reader that goes away before its first
            // message still has a Last-Event-ID to come back with, and misses nothing said meanwhile.
            await response.WriteAsync(": connected\n\n", cancellationToken);
            if ((key is not null || fromLog) && LastEventId(context.Request) is null)
            {
                await response.WriteAsync(FormattableString.Invariant($"id: {(key is null ? position : lastSequence)}\n\n"), cancellationToken);
            }

            foreach (var missed in replay)
            {
                Write(response.BodyWriter, json, EventViews.Of(missed)!.Value, missed.Sequence);

                // A long replay goes out as it is written, not held whole in the buffer.
                if (response.BodyWriter.CanGetUnflushedBytes && response.BodyWriter.UnflushedBytes > 64 * 1024)
                {
                    await response.BodyWriter.FlushAsync(cancellationToken);
                }
            }

            await response.Body.FlushAsync(cancellationToken);

            // One timer for the stream's life (not one per wait): its tick wakes the reader, which writes a comment line.
            await using var keepAlive = new Timer(_ => events.Writer.TryWrite(KeepAliveTick.Instance), null, KeepAlive, KeepAlive);
            var first = true;
            var batch = new List<IWithConversationKey>();

            // Waited on without a token (a wait with one is a new object every time): the reader going away completes the channel instead.
            await using var aborted = cancellationToken.Register(() => events.Writer.TryComplete());
            while (await events.Reader.WaitToReadAsync(CancellationToken.None) && !cancellationToken.IsCancellationRequested)
            {
                batch.Clear();
                while (events.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await logged.PrepareAsync(batch, cancellationToken);
                foreach (var item in batch)
                {
                    var message = item;
                    if (message is KeepAliveTick)
                    {
                        Ascii(response.BodyWriter, ": keep-alive\n\n");
                        continue;
                    }

                    if (message is SubscriptionLost)
                    {
                        // The chat moved to another node of the cluster: the stream ends, and the reader comes
                        // back with its Last-Event-ID (as every server-sent-events client does) to read on there.
                        await response.Body.FlushAsync(cancellationToken);
                        return;
                    }

                    var over = key is not null && (message is Ended || (first && message is StateChanged { State: ConversationState.Ended or ConversationState.Failed }));
                    first = false;
                    long? id = null;
                    switch (message)
                    {
                        case MessageReceived { Sequence: > 0 } told when key is not null:
                            if (told.Sequence <= lastSequence)
                            {
                                continue;
                            }

                            id = lastSequence = told.Sequence;
                            break;

                        case MemberChanged changed:
                            logged.Update(changed.Key, changed.Member);
                            break;

                        case LoggedFact { Fact: MessageSeen } fact:
                            id = fact.Position;
                            message = await logged.EventOfAsync(fact, cancellationToken);
                            break;

                        case LoggedFact:
                            // A chat's start and end are told live in this stream.
                            continue;
                    }

                    if (EventViews.Of(message) is { } view)
                    {
                        Write(response.BodyWriter, json, view, id);
                    }

                    if (over)
                    {
                        await response.Body.FlushAsync(cancellationToken);
                        return;
                    }
                }

                await response.Body.FlushAsync(cancellationToken);
            }

            if (Volatile.Read(ref overflowed) == 1)
            {
                Write(response.BodyWriter, json, ("overflow", new { buffer, message = $"This reader fell more than {buffer} events behind; reconnect with Last-Event-ID and read the chats' state with GET /chats" }), null);
            }
            else if (logFailure is not null)
            {
                Write(response.BodyWriter, json, ("error", new { message = "The journal could not be read; reconnect with Last-Event-ID" }), null);
            }

            await response.Body.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The reader went away.
        }
        finally
        {
            metrics.EventStream(-1);
        }
    }

    /// <summary>The id a reconnecting reader last saw, from <c>Last-Event-ID</c> or <c>?lastEventId=</c>; null when none or not a number.</summary>
    private static long? LastEventId(HttpRequest request)
    {
        var value = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["lastEventId"].FirstOrDefault();
        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    /// <summary>One event, written straight into the response's buffer (sent at the next flush): its id, name, and data as one line of JSON.</summary>
    private static void Write(PipeWriter body, Utf8JsonWriter json, (string Name, object Data) view, long? id)
    {
        var (name, data) = view;
        if (id is { } sequence)
        {
            Ascii(body, "id: ");
            var span = body.GetSpan(20);
            sequence.TryFormat(span, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            body.Advance(written);
            Ascii(body, "\n");
        }

        Ascii(body, "event: ");
        Ascii(body, name);
        Ascii(body, "\ndata: ");
        json.Reset(body);
        JsonSerializer.Serialize(json, data, data.GetType(), EventViews.Options);
        json.Flush();
        Ascii(body, "\n\n");
    }

    /// <summary>The keep-alive timer's wake-up, in line with the events (never written as one).</summary>
    private sealed class KeepAliveTick : IWithConversationKey
    {
        public static readonly KeepAliveTick Instance = new();

        public ConversationKey Key => default;
    }

    private static void Ascii(PipeWriter body, string text)
    {
        var span = body.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        body.Advance(written);
    }
}

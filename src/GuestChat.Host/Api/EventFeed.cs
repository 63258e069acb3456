using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Host.Metrics;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Api;

/// <summary>
/// A server-sent-events stream of one chat's events (ending with its end) or of every chat's. Events
/// are buffered per reader up to a bound; a reader that falls further behind gets an <c>overflow</c>
/// event and its stream is closed, rather than the service holding an unbounded backlog for it.
/// A comment line every 15 s keeps proxies from closing a quiet stream.
/// <para>
/// A chat's stream gives each message event an <c>id</c> (its sequence number in the chat). A reader
/// that reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>) first gets every message it
/// missed, from the conversation (which, with a durable journal, holds them across a restart too), then
/// the live events, with no message twice.
/// </para>
/// </summary>
internal static class EventFeed
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context, GuestChatConversations conversations, ServiceMetrics metrics, ConversationKey? key, int buffer)
    {
        var cancellationToken = context.RequestAborted;
        var events = Channel.CreateBounded<IWithConversationKey>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = true });
        var overflowed = 0;
        using var subscription = await conversations.SubscribeAsync(key, e =>
        {
            if (!events.Writer.TryWrite(e) && Interlocked.Exchange(ref overflowed, 1) == 0)
            {
                events.Writer.TryComplete();
            }
        }, cancellationToken);

        // Subscribed first, then asked: a message told in between is in both, and written once.
        var replay = key is { } chat && LastEventId(context.Request) is { } since
            ? (await conversations.GetMessagesSinceAsync(chat, since, cancellationToken)).Messages
            : [];
        var lastSequence = replay.Count > 0 ? replay[^1].Sequence : LastEventId(context.Request) ?? 0;

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        metrics.EventStream(+1);
        try
        {
            await response.WriteAsync(": connected\n\n", cancellationToken);
            foreach (var missed in replay)
            {
                await response.WriteAsync(Format(EventViews.Of(missed)!.Value, key is null ? null : missed.Sequence), cancellationToken);
            }

            await response.Body.FlushAsync(cancellationToken);
            var first = true;
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                quiet.CancelAfter(KeepAlive);
                bool more;
                try
                {
                    more = await events.Reader.WaitToReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                if (!more)
                {
                    break;
                }

                while (events.Reader.TryRead(out var message))
                {
                    var over = key is not null && (message is Ended || (first && message is StateChanged { State: ConversationState.Ended or ConversationState.Failed }));
                    first = false;
                    if (message is MessageReceived { Sequence: > 0 } told && key is not null)
                    {
                        if (told.Sequence <= lastSequence)
                        {
                            continue;
                        }

                        lastSequence = told.Sequence;
                    }

                    if (EventViews.Of(message) is { } view)
                    {
                        await response.WriteAsync(Format(view, key is not null && message is MessageReceived m ? m.Sequence : null), cancellationToken);
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
                await response.WriteAsync(Format(("overflow", new { buffer, message = $"This reader fell more than {buffer} events behind; reconnect (a chat's stream with Last-Event-ID) and read the chats' state with GET /chats" }), null), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
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

    /// <summary>The sequence number a reconnecting reader last saw, from <c>Last-Event-ID</c> or <c>?lastEventId=</c>; null when none or not a number.</summary>
    private static long? LastEventId(HttpRequest request)
    {
        var value = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["lastEventId"].FirstOrDefault();
        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    private static string Format((string Name, object Data) view, long? id)
    {
        var (name, data) = view;
        var text = new StringBuilder();
        if (id is { } sequence)
        {
            text.Append("id: ").Append(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("event: ").Append(name).Append('\n');
        text.Append("data: ").Append(JsonSerializer.Serialize(data, ApiJson.Options)).Append("\n\n");
        return text.ToString();
    }
}

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

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        metrics.EventStream(+1);
        try
        {
            await response.WriteAsync(": connected\n\n", cancellationToken);
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
                    if (EventViews.Of(message) is var (name, data))
                    {
                        await response.WriteAsync(Format(name, data), cancellationToken);
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
                await response.WriteAsync(Format("overflow", new { buffer, message = $"This reader fell more than {buffer} events behind; reconnect and read the chats' state with GET /chats" }), cancellationToken);
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

    private static string Format(string name, object data)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(name).Append('\n');
        text.Append("data: ").Append(JsonSerializer.Serialize(data, ApiJson.Options)).Append("\n\n");
        return text.ToString();
    }
}

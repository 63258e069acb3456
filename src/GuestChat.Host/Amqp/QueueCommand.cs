using System.Text;
using GuestChat.Actors.Conversations;
using GuestChat.Host.Api;
using RabbitMQ.Client;

namespace GuestChat.Host.Amqp;

/// <summary>
/// A command taken from the queue. The message's <c>type</c> property says which (<c>chat.start</c>,
/// <c>chat.send</c>, <c>chat.typing</c>, <c>chat.media-answer</c>, <c>chat.end</c>), the header
/// <c>x-chat-key</c> names the chat, <c>message_id</c> is the idempotency key (a send's client message
/// id), and the JSON body has the shape the HTTP API takes for the same command.
/// </summary>
internal abstract record QueueCommand(ConversationKey Key, string MessageId)
{
    /// <summary>The header that names the chat (keys may hold '.', so they are not routing keys).</summary>
    public const string KeyHeader = "x-chat-key";

    /// <summary>
    /// Publishes a command to <paramref name="queue"/> as an integration does (persistent, JSON, the chat key
    /// in its header), for <c>run --via amqp</c>, the tests and the benchmarks; parts given as null are left
    /// out, so a test can send what a careless integration would.
    /// </summary>
    public static ValueTask PublishAsync(IChannel channel, string queue, string? type, string? key, string? messageId, ReadOnlyMemory<byte> body,
        string? contentType = "application/json", CancellationToken cancellationToken = default)
    {
        var properties = new BasicProperties
        {
            Type = type,
            MessageId = messageId,
            ContentType = contentType,
            Persistent = true,
            Headers = key is null ? null : new Dictionary<string, object?> { [KeyHeader] = Encoding.UTF8.GetBytes(key) },
        };
        return channel.BasicPublishAsync("", queue, mandatory: true, properties, body, cancellationToken);
    }

    /// <summary>The same, with a JSON body as text.</summary>
    public static ValueTask PublishAsync(IChannel channel, string queue, string? type, string? key, string? messageId, string body, CancellationToken cancellationToken = default) =>
        PublishAsync(channel, queue, type, key, messageId, Encoding.UTF8.GetBytes(body), cancellationToken: cancellationToken);

    /// <summary>The command types, as the <c>type</c> property carries them.</summary>
    public static IReadOnlyList<string> Types { get; } = ["chat.start", "chat.send", "chat.typing", "chat.media-answer", "chat.end"];

    /// <summary>Start a chat: the create request of <c>POST /chats</c> (its key is the header's).</summary>
    public sealed record Start(ConversationKey Key, string MessageId, ChatRequests.CreateChat Create) : QueueCommand(Key, MessageId);

    /// <summary>Send a message; <c>message_id</c> is its client message id, so a redelivery is not posted twice.</summary>
    public sealed record Send(ConversationKey Key, string MessageId, ChatRequests.SendMessage Message) : QueueCommand(Key, MessageId);

    /// <summary>Show the guest typing.</summary>
    public sealed record Typing(ConversationKey Key, string MessageId) : QueueCommand(Key, MessageId);

    /// <summary>Accept or decline an agent's media request.</summary>
    public sealed record MediaAnswer(ConversationKey Key, string MessageId, string MediaRequestId, MediaRequestDecision Decision) : QueueCommand(Key, MessageId);

    /// <summary>Leave the chat.</summary>
    public sealed record End(ConversationKey Key, string MessageId) : QueueCommand(Key, MessageId);

    /// <summary>The body of <c>chat.media-answer</c>.</summary>
    public sealed record MediaAnswerBody(string? MediaRequestId, MediaRequestDecision? Decision);

    /// <summary>The body of a command that carries nothing but may carry an empty object.</summary>
    public sealed record NoBody;

    /// <summary>A delivery read as a command, or what is wrong with it, named as the HTTP API would name it.</summary>
    public static (QueueCommand? Command, ApiError? Problem) Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        if (string.IsNullOrWhiteSpace(properties.Type))
        {
            return (null, ApiError.Required("type"));
        }

        if (!Types.Contains(properties.Type))
        {
            return (null, ApiError.Invalid("type", $"type must be one of {string.Join(", ", Types)}"));
        }

        if (string.IsNullOrWhiteSpace(properties.MessageId))
        {
            return (null, ApiError.Required("message_id"));
        }

        if (properties.MessageId.Length > 128)
        {
            return (null, ApiError.Invalid("message_id", "message_id is at most 128 characters"));
        }

        if (HeaderText(properties, KeyHeader) is not { } keyText)
        {
            return (null, ApiError.Required(KeyHeader));
        }

        ConversationKey key;
        try
        {
            key = new ConversationKey(keyText);
        }
        catch (ArgumentException e)
        {
            return (null, ApiError.Invalid(KeyHeader, e.Message.Split(" (Parameter")[0]));
        }

        if (properties.ContentType is { Length: > 0 } type && !(type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, new ApiError(415, "unsupported.media.type", $"Content type {type} is not supported; send application/json"));
        }

        var id = properties.MessageId;
        switch (properties.Type)
        {
            case "chat.start":
            {
                var (create, problem) = JsonBody.Parse(body, ChatRequests.CreateChat.Empty);
                if (problem is not null)
                {
                    return (null, problem);
                }

                return create!.Key is { } bodyKey && bodyKey != key.Value
                    ? (null, ApiError.Invalid("key", $"The body's key {bodyKey} is not the {KeyHeader} header's {key.Value}"))
                    : (new Start(key, id, create), null);
            }

            case "chat.send":
            {
                var (send, problem) = JsonBody.Parse<ChatRequests.SendMessage>(body);
                if (problem is not null)
                {
                    return (null, problem);
                }

                return send!.ClientMessageId is { } clientId && clientId != id
                    ? (null, ApiError.Invalid("clientMessageId", "clientMessageId, when given, is the message_id"))
                    : (new Send(key, id, send), null);
            }

            case "chat.media-answer":
            {
                var (answer, problem) = JsonBody.Parse<MediaAnswerBody>(body);
                if (problem is not null)
                {
                    return (null, problem);
                }

                if (string.IsNullOrWhiteSpace(answer!.MediaRequestId))
                {
                    return (null, ApiError.Required("mediaRequestId"));
                }

                return answer.Decision is { } decision ? (new MediaAnswer(key, id, answer.MediaRequestId, decision), null) : (null, ApiError.Required("decision"));
            }

            default:
            {
                var (_, problem) = JsonBody.Parse(body, new NoBody());
                return problem is not null ? (null, problem)
                    : properties.Type == "chat.typing" ? (new Typing(key, id), null)
                    : (new End(key, id), null);
            }
        }
    }

    /// <summary>A header as text (the client gives string headers as bytes); null when absent or empty.</summary>
    private static string? HeaderText(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes when bytes.Length > 0 => Encoding.UTF8.GetString(bytes),
                string { Length: > 0 } text => text,
                _ => null,
            }
            : null;
}

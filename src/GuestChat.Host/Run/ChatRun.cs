using GuestChat.Actors.Conversations;
using static GuestChat.Actors.Conversations.ConversationEvents;

namespace GuestChat.Host.Run;

/// <summary>What one chat of a run has seen so far; events arrive from the subscription, one at a time.</summary>
internal sealed class ChatRun(ConversationKey key)
{
    private readonly Lock _gate = new();
    private readonly List<MessageReceived> _received = [];
    private TaskCompletionSource _replyArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConversationKey Key { get; } = key;

    public string? ConversationId { get; set; }

    public TaskCompletionSource Active { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The chat's socket is attached (Queued or Active): on Web Messaging, where no agent is known before it speaks, the guest may speak.</summary>
    public TaskCompletionSource Attached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<Ended> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Reconnects { get; private set; }

    /// <summary>How many messages from others have arrived (without a copy of them).</summary>
    public int ReceivedCount
    {
        get
        {
            lock (_gate)
            {
                return _received.Count;
            }
        }
    }

    public MessageReceived[] Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public void On(object message)
    {
        switch (message)
        {
            case Started started:
                ConversationId = started.ConversationId;
                break;
            case StateChanged { State: ConversationState.Active }:
                Active.TrySetResult();
                Attached.TrySetResult();
                break;
            case StateChanged { State: ConversationState.Queued }:
                Attached.TrySetResult();
                break;
            case MessageReceived received:
                lock (_gate)
                {
                    _received.Add(received);
                    _replyArrived.TrySetResult();
                }

                break;
            case Reconnecting:
                Reconnects++;
                break;
            case Ended ended:
                Ended.TrySetResult(ended);
                Active.TrySetResult();
                Attached.TrySetResult();
                break;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> standard messages from others have arrived.</summary>
    public async Task<bool> WaitForRepliesAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_received.Count >= count)
                {
                    return true;
                }

                if (_replyArrived.Task.IsCompleted)
                {
                    _replyArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                arrived = _replyArrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}

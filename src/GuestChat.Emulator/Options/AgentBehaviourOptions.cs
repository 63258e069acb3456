namespace GuestChat.Emulator.Options;

/// <summary>What the emulated agents of a queue do by themselves.</summary>
public sealed class AgentBehaviourOptions
{
    /// <summary>Names given to agents in turn; a transfer takes the next one.</summary>
    public List<string> Names { get; set; } = [];

    /// <summary>How the agent answers each standard message of the guest.</summary>
    public AgentReplyMode Reply { get; set; } = AgentReplyMode.Echo;

    /// <summary>The echo text; <c>{0}</c> is the guest's body.</summary>
    public string EchoFormat { get; set; } = "{0}";

    /// <summary>Replies used in order when <see cref="Reply"/> is Script.</summary>
    public List<string> Script { get; set; } = [];

    /// <summary>Said by the agent right after it connects, when set.</summary>
    public string? Greeting { get; set; }

    /// <summary>From a guest message to the agent's typing indicator.</summary>
    public TimeSpan ThinkTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>From the typing indicator to the reply.</summary>
    public TimeSpan TypingTime { get; set; } = TimeSpan.FromMilliseconds(700);

    /// <summary>After this many exchanges the agent raises a media request (0: never).</summary>
    public int MediaRequestAfterExchanges { get; set; }

    /// <summary>What a media request raised by the behaviour asks for.</summary>
    public List<string> MediaRequestTypes { get; set; } = ["COBROWSE"];

    /// <summary>After this many exchanges the agent ends the chat (0: never).</summary>
    public int EndAfterExchanges { get; set; }

    /// <summary>The agent ends the chat when the guest has been silent this long (zero: never).</summary>
    public TimeSpan EndWhenIdle { get; set; } = TimeSpan.Zero;
}

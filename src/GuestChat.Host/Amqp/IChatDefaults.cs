using GuestChat.Emulator;

namespace GuestChat.Host.Amqp;

/// <summary>What a start command does not name (organization, deployment, queue): the service's target settings, or the run's.</summary>
internal interface IChatDefaults
{
    EmulatorChatDefaults ChatDefaults { get; }
}

/// <summary>Defaults fixed up front (<c>run</c>'s).</summary>
internal sealed class FixedChatDefaults(EmulatorChatDefaults defaults) : IChatDefaults
{
    public EmulatorChatDefaults ChatDefaults => defaults;
}

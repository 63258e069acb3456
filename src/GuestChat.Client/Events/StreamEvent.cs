namespace GuestChat.Client.Events;

/// <summary>What one event-stream frame turned out to be. Parsing never throws: see <see cref="EventStreamParser"/>.</summary>
public abstract record StreamEvent;

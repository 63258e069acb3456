namespace GuestChat.Emulator.Control;

/// <summary>
/// Which messages of a steady stream go out in each round of a pacing loop (<c>POST /emulator/agents/messages</c>):
/// message n is due n / rate seconds after the first, and a round sends the ones whose time has come, but no
/// more than twice the rate's share of a usual round. So after a pause of the emulator itself (a garbage
/// collection of 50-130 ms with a thousand chats) what it held back goes out at about twice the rate, not
/// all in the same millisecond, and a platform whose sleeps are coarse (15.6 ms on Windows by default)
/// still keeps the rate: the usual round is learnt from the rounds themselves.
/// </summary>
internal sealed class SteadyPace(int count, int perSecond)
{
    // The usual time between rounds, learnt: a long gap moves it at most a tenth of itself a round.
    private double _roundSeconds = 0.001;

    /// <summary>How many have been taken so far (the next one's number).</summary>
    public int Taken { get; private set; }

    /// <summary>Whether every message has been taken.</summary>
    public bool Done => Taken >= count;

    /// <summary>How many to send in this round, <paramref name="elapsedSeconds"/> after the first, <paramref name="sincePreviousSeconds"/> after the round before.</summary>
    public int Take(double elapsedSeconds, double sincePreviousSeconds)
    {
        _roundSeconds += 0.1 * (Math.Min(sincePreviousSeconds, 2 * _roundSeconds) - _roundSeconds);
        var due = (int)Math.Min(count, (long)(elapsedSeconds * perSecond) + 1);
        var most = (int)Math.Max(1, Math.Round(2 * perSecond * _roundSeconds));
        var take = Math.Clamp(due - Taken, 0, most);
        Taken += take;
        return take;
    }
}

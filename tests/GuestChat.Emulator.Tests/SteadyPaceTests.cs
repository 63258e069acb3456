using GuestChat.Emulator.Control;

namespace GuestChat.Emulator.Tests;

/// <summary>How the agents' steady stream (<c>POST /emulator/agents/messages</c>) is spread over the rounds of its loop.</summary>
public sealed class SteadyPaceTests
{
    [Fact]
    public void Rounds_a_millisecond_apart_send_the_messages_one_at_a_time_and_all_of_them_in_the_time_asked()
    {
        var pace = new SteadyPace(count: 1000, perSecond: 1000);
        var most = Rounds(pace, from: 0, until: 1.0, every: 0.001);

        Assert.Equal(1, most);
        Assert.True(pace.Done);
    }

    [Fact]
    public void What_a_pause_held_back_goes_out_at_about_twice_the_rate_not_all_at_once()
    {
        var pace = new SteadyPace(count: 10_000, perSecond: 1000);
        Rounds(pace, from: 0, until: 1.0, every: 0.001);
        Assert.Equal(1001, pace.Taken);

        // The emulator stops for 86 ms (a garbage collection), then goes on in rounds a millisecond apart.
        var most = Rounds(pace, from: 1.086, until: 1.286, every: 0.001, previous: 1.0);

        Assert.InRange(most, 2, 3);
        // By then the 86 messages held back are out, and it is on time again: every message due at 1.286 s.
        Assert.Equal(1287, pace.Taken);
    }

    [Fact]
    public void Coarse_sleeps_of_15_ms_still_keep_the_rate()
    {
        var pace = new SteadyPace(count: 3000, perSecond: 1000);
        Rounds(pace, from: 0, until: 2.9952, every: 0.0156);

        // Every message due by the last round (2,996 of them) has gone out.
        Assert.Equal(2996, pace.Taken);
    }

    /// <summary>Rounds <paramref name="every"/> seconds apart, from <paramref name="from"/> to <paramref name="until"/>; the most any one of them sent.</summary>
    private static int Rounds(SteadyPace pace, double from, double until, double every, double? previous = null)
    {
        var most = 0;
        var before = previous ?? from;
        // A ten-thousandth of a millisecond past each round's time, so that rounding never puts a message a round late.
        for (var i = 0; from + (i * every) <= until + 1e-9; i++)
        {
            var at = from + (i * every) + 1e-7;
            most = Math.Max(most, pace.Take(at, at - before));
            before = at;
        }

        return most;
    }
}

using GuestChat.Emulator.Options;

namespace GuestChat.Emulator.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_give_the_documented_deployments_queues_and_timing()
    {
        var options = new EmulatorOptions().Normalize();
        Assert.Equal(4, options.Deployments.Count);
        Assert.Equal(
            [EmulatorDefaults.QueueName, EmulatorDefaults.ScriptedQueueName, EmulatorDefaults.MediaQueueName, EmulatorDefaults.ShortQueueName, EmulatorDefaults.SilentQueueName],
            options.Queues.Select(q => q.Name));
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timing.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timing.GraceWindow);
        Assert.Equal(FaultProfiles.None, options.Faults.Resolve().Profile);
    }

    [Fact]
    public void Fields_set_beside_a_profile_override_the_profile()
    {
        var settings = new FaultOptions { Profile = "chaos", ThrottleShare = 0.5 }.Resolve();
        Assert.Equal(0.5, settings.ThrottleShare);
        Assert.True(settings.DropsSockets);
    }

    [Fact]
    public void Nonsense_options_are_refused_with_every_problem_named()
    {
        var options = new EmulatorOptions
        {
            OrganizationId = "acme",
            Timing = new TimingOptions { HeartbeatInterval = TimeSpan.Zero },
            Faults = new FaultOptions { ThrottleShare = 2 },
        };
        var error = Assert.Throws<ArgumentException>(() => options.Normalize());
        Assert.Contains("OrganizationId", error.Message);
        Assert.Contains("HeartbeatInterval", error.Message);
        Assert.Contains("ThrottleShare", error.Message);
    }
}

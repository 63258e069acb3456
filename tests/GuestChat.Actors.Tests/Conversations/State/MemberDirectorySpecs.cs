using GuestChat.Actors.Conversations.State;
using GuestChat.Client.Models;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class MemberDirectorySpecs
{
    [Fact]
    public void A_member_is_looked_up_once_however_many_frames_name_it_before_the_answer()
    {
        var directory = new MemberDirectory();
        Assert.True(directory.NeedsLookUp("agent-1"));
        Assert.False(directory.NeedsLookUp("agent-1"));

        directory.Resolved("agent-1", MemberRole.Agent, "Alice", MemberState.Alerting);
        Assert.False(directory.NeedsLookUp("agent-1"));
        Assert.Equal("Alice", directory.Find("agent-1")!.DisplayName);
    }

    [Fact]
    public void The_same_state_again_is_no_news_and_a_new_one_is_noted_at_once()
    {
        var directory = new MemberDirectory();
        Assert.True(directory.Observe("agent-1", MemberState.Alerting));
        var alice = directory.Resolved("agent-1", MemberRole.Agent, "Alice", MemberState.Alerting);

        Assert.False(directory.Observe("agent-1", MemberState.Alerting));
        Assert.True(directory.Observe("agent-1", MemberState.Connected));
        Assert.False(directory.Observe("agent-1", MemberState.Connected));
        Assert.Equal(MemberState.Connected, directory.Find(alice.Id)!.State);
    }

    [Fact]
    public void A_change_that_follows_a_look_up_answering_with_its_state_is_still_news()
    {
        // Alerting is told, the look-up answers late with the agent already connected, and the Connected
        // frame that follows must still go out: the Alerting event may not have gone out yet (it waits
        // behind another member's look-up), and would otherwise be the last word.
        var directory = new MemberDirectory();
        Assert.True(directory.Observe("agent-1", MemberState.Alerting));
        directory.Resolved("agent-1", MemberRole.Agent, "Alice", MemberState.Connected);

        Assert.True(directory.Observe("agent-1", MemberState.Connected));
    }

    [Fact]
    public void The_chat_is_active_while_any_agent_is_connected_and_a_transfer_keeps_it_so()
    {
        var directory = new MemberDirectory();
        var alice = directory.Resolved("agent-1", MemberRole.Agent, "Alice", MemberState.Alerting);
        var bob = directory.Resolved("agent-2", MemberRole.Agent, "Bob", MemberState.Alerting);
        var flow = directory.Resolved("flow", MemberRole.Workflow, "Flow", MemberState.Connected);
        Assert.False(directory.AgentConnected);

        directory.ChangeState(flow, MemberState.Connected);
        Assert.False(directory.AgentConnected);
        directory.ChangeState(alice, MemberState.Connected);
        Assert.True(directory.AgentConnected);
        directory.ChangeState(bob, MemberState.Connected);
        directory.ChangeState(alice, MemberState.Disconnected);
        Assert.True(directory.AgentConnected);
        directory.ChangeState(bob, MemberState.Disconnected);
        Assert.False(directory.AgentConnected);
    }
}

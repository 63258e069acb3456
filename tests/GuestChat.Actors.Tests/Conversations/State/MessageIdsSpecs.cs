using GuestChat.Actors.Conversations.State;

namespace GuestChat.Actors.Tests.Conversations.State;

public sealed class MessageIdsSpecs
{
    [Fact]
    public void Ids_of_any_form_are_kept_once_with_their_number_and_how_they_were_learned()
    {
        var ids = new MessageIds();
        var guid = Guid.NewGuid().ToString();

        Assert.True(ids.Add(guid));
        Assert.False(ids.Add(guid));
        Assert.True(ids.Add("not-a-guid"));
        Assert.False(ids.Add("not-a-guid"));
        Assert.Equal((0L, false), ids.Get(guid));

        ids.Set(guid, 41, posted: true);
        ids.Set("not-a-guid", 7, posted: false);
        Assert.Equal((41L, true), ids.Get(guid));
        Assert.Equal((7L, false), ids.Get("not-a-guid"));
        Assert.Equal((0L, false), ids.Get(Guid.NewGuid().ToString()));
        Assert.Equal(2, ids.Count);
    }

    [Fact]
    public void A_guid_written_in_upper_case_or_braces_is_another_id_as_its_text_is()
    {
        var ids = new MessageIds();
        var guid = Guid.NewGuid();
        ids.Add(guid.ToString());

        Assert.False(ids.Contains(guid.ToString().ToUpperInvariant()));
        Assert.True(ids.Add(guid.ToString().ToUpperInvariant()));
        Assert.True(ids.Add(guid.ToString("B")));
        Assert.True(ids.Contains(guid.ToString()));
        Assert.Equal(3, ids.Count);
    }
}

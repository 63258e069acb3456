using GuestChat.Client.Models;

namespace GuestChat.Emulator.Tests.Support;

/// <summary>A second socket for an existing guest, as a client reconnecting after a drop would open.</summary>
internal static class TestGuestReattach
{
    public static async Task<TestGuest> ReattachAsync(TestGuest guest, TestEmulator emulator)
    {
        var again = TestGuest.Resume(emulator.Http, new CreateWebChatConversationResponse
        {
            Id = guest.ConversationId,
            Jwt = guest.Jwt,
            EventStreamUri = guest.EventStreamUri.ToString(),
            Member = new WebChatMemberInfo { Id = guest.MemberId },
        });
        await again.AttachAsync();
        return again;
    }
}

using System.Globalization;
using GuestChat.Client;
using GuestChat.Client.Models;

namespace GuestChat.Emulator.Api;

/// <summary>Pages members the way Genesys entity lists do: page numbers, counts and relative URIs.</summary>
internal static class MemberPage
{
    public static WebChatMemberInfoEntityList Of(string conversationId, List<WebChatMemberInfo> members, int pageSize, int pageNumber, bool excludeDisconnected)
    {
        var total = members.Count;
        var pageCount = (int)Math.Ceiling(total / (double)pageSize);
        var entities = members.Skip((int)Math.Min((long)(pageNumber - 1) * pageSize, int.MaxValue)).Take(pageSize).ToList();
        string Uri(int number) => string.Create(CultureInfo.InvariantCulture,
            $"{GuestChatPaths.Members(conversationId)}?pageSize={pageSize}&pageNumber={number}&excludeDisconnectedMembers={(excludeDisconnected ? "true" : "false")}");
        return new WebChatMemberInfoEntityList
        {
            Entities = entities,
            PageSize = pageSize,
            PageNumber = pageNumber,
            Total = total,
            PageCount = pageCount,
            FirstUri = Uri(1),
            SelfUri = Uri(pageNumber),
            NextUri = pageNumber < pageCount ? Uri(pageNumber + 1) : null,
            PreviousUri = pageNumber > 1 ? Uri(Math.Min(pageNumber - 1, Math.Max(pageCount, 1))) : null,
            LastUri = Uri(Math.Max(pageCount, 1)),
        };
    }
}

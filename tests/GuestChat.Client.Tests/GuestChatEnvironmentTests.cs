namespace GuestChat.Client.Tests;

public sealed class GuestChatEnvironmentTests
{
    [Fact]
    public void Every_region_of_the_protocol_page_maps_to_its_api_host()
    {
        Assert.Equal(17, GuestChatEnvironment.RegionDomains.Count);
        foreach (var domain in GuestChatEnvironment.RegionDomains)
        {
            Assert.Equal(new Uri($"https://api.{domain}"), GuestChatEnvironment.FromRegion(domain).ApiBaseUrl);
        }

        Assert.Equal(new Uri("https://api.mypurecloud.ie"), GuestChatEnvironment.Parse("api.mypurecloud.ie").ApiBaseUrl);
    }

    [Fact]
    public void A_base_url_is_taken_as_it_is_and_an_unknown_region_is_refused()
    {
        Assert.Equal(new Uri("http://127.0.0.1:5080"), GuestChatEnvironment.Parse("http://127.0.0.1:5080/").ApiBaseUrl);
        Assert.Throws<ArgumentException>(() => GuestChatEnvironment.Parse("mars.pure.cloud"));
        Assert.Throws<ArgumentException>(() => GuestChatEnvironment.FromBaseUrl(new Uri("ftp://example.com")));
    }
}

namespace GuestChat.Client;

/// <summary>Where the API lives: a Genesys Cloud region by its domain, or an explicit base URL (the emulator, a proxy).</summary>
public sealed record GuestChatEnvironment
{
    /// <summary>Every region domain of the guest chat API.</summary>
    public static readonly IReadOnlyList<string> RegionDomains =
    [
        "mypurecloud.com", "mypurecloud.ie", "mypurecloud.com.au", "mypurecloud.jp", "mypurecloud.de",
        "usw2.pure.cloud", "cac1.pure.cloud", "apne2.pure.cloud", "euw2.pure.cloud", "aps1.pure.cloud",
        "use2.us-gov-pure.cloud", "sae1.pure.cloud", "mec1.pure.cloud", "apne3.pure.cloud", "euc2.pure.cloud",
        "mxc1.pure.cloud", "apse1.pure.cloud",
    ];

    private GuestChatEnvironment(Uri apiBaseUrl) => ApiBaseUrl = apiBaseUrl;

    /// <summary>The API base URL, without a trailing slash, for example <c>https://api.mypurecloud.ie</c>.</summary>
    public Uri ApiBaseUrl { get; }

    /// <summary>A region by its domain (<c>mypurecloud.ie</c>; <c>api.</c> in front is accepted too).</summary>
    public static GuestChatEnvironment FromRegion(string domain)
    {
        var trimmed = domain.Trim().TrimEnd('/');
        if (trimmed.StartsWith("api.", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[4..];
        }

        var known = RegionDomains.FirstOrDefault(d => string.Equals(d, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown region {domain}; known: {string.Join(", ", RegionDomains)}, or give a base URL.", nameof(domain));
        return new GuestChatEnvironment(new Uri($"https://api.{known}"));
    }

    /// <summary>An explicit base URL: http or https, no path beyond the host.</summary>
    public static GuestChatEnvironment FromBaseUrl(Uri baseUrl)
    {
        if (!baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{baseUrl} is not an http or https URL.", nameof(baseUrl));
        }

        return new GuestChatEnvironment(new Uri(baseUrl.GetLeftPart(UriPartial.Authority)));
    }

    /// <summary>A region domain or a base URL, as configuration gives it.</summary>
    public static GuestChatEnvironment Parse(string regionOrBaseUrl) =>
        Uri.TryCreate(regionOrBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? FromBaseUrl(url)
            : FromRegion(regionOrBaseUrl);

    /// <inheritdoc />
    public override string ToString() => ApiBaseUrl.ToString().TrimEnd('/');
}

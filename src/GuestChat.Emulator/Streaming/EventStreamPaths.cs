namespace GuestChat.Emulator.Streaming;

/// <summary>
/// Where sockets attach. The JWT is the last path segment (both forms seen on real servers), so
/// these paths are as secret as the token and must never be logged as they are.
/// </summary>
internal static class EventStreamPaths
{
    /// <summary>The form real servers used in 2022, which the emulator hands out.</summary>
    public const string Current = "/chat/jwt";

    /// <summary>The form real servers used in 2020, still accepted.</summary>
    public const string Legacy = "/v1/token";

    /// <summary>A path fit for a log line: an event-stream token replaced by a mark.</summary>
    public static string Redact(PathString path)
    {
        foreach (var prefix in (ReadOnlySpan<string>)[Current, Legacy])
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return prefix + "/<redacted>";
            }
        }

        return path.Value ?? "";
    }

    /// <summary>The <c>eventStreamUri</c> for a token, on the host the guest reached.</summary>
    public static string UriFor(HttpRequest request, string jwt)
    {
        var scheme = request.IsHttps ? "wss" : "ws";
        return $"{scheme}://{request.Host}{request.PathBase}{Current}/{jwt}";
    }
}

using System.Globalization;
using GuestChat.Emulator.Chat;

namespace GuestChat.Emulator.Api;

/// <summary>Query parameters read strictly: a malformed or out-of-range value is an <c>invalid.value</c> naming it.</summary>
internal static class QueryParameters
{
    public static ChatResult<int> Int(HttpRequest request, string name, int fallback, int min, int max)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : ChatError.Invalid(name, $"{name} must be a whole number from {min} to {max}");
    }

    public static ChatResult<bool> Bool(HttpRequest request, string name, bool fallback)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        return bool.TryParse(text, out var value) ? value : ChatError.Invalid(name, $"{name} must be true or false");
    }

    public static ChatResult<string?> Choice(HttpRequest request, string name, params string[] allowed)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return (string?)null;
        }

        var match = Array.Find(allowed, a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        return match is not null ? match : ChatError.Invalid(name, $"{name} must be one of: {string.Join(", ", allowed)}");
    }

    public static string? Text(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        return text.Length == 0 ? null : text;
    }
}

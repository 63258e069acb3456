using System.Text.Json;

namespace GuestChat.Client.Serialization;

/// <summary>A JSON value that is well formed but not one the API allows (an unknown enum name, a bad timestamp).</summary>
public sealed class WireValueException(string message) : JsonException(message);

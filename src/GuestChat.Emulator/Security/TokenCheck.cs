namespace GuestChat.Emulator.Security;

/// <summary>The outcome of reading a bearer token.</summary>
public enum TokenCheck
{
    /// <summary>Well formed, correctly signed and not expired.</summary>
    Valid,

    /// <summary>Not a JWT, not ours, or badly signed.</summary>
    BadCredentials,

    /// <summary>Correctly signed but past <c>exp</c>.</summary>
    Expired,
}

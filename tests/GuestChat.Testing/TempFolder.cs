namespace GuestChat.Testing;

/// <summary>A folder of its own under the system's temporary folder, removed with everything in it when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>A new, empty folder whose name starts with <paramref name="purpose"/>.</summary>
    public TempFolder(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Where it is.</summary>
    public string Path { get; }

    /// <summary>A SQLite connection string for a database file in this folder.</summary>
    public string SqliteConnectionString(string file = "guestchat.db") => $"Data Source={System.IO.Path.Combine(Path, file)}";

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pooled connection: the system's temporary folder is cleaned anyway.
        }
    }
}

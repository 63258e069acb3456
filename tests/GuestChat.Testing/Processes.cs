using System.Diagnostics;
using System.Text;

namespace GuestChat.Testing;

/// <summary>Runs a program to completion with a deadline, keeping what it printed.</summary>
public static class Processes
{
    /// <summary>
    /// Runs <paramref name="file"/> and waits for it to end; kills it (and its children) and throws
    /// <see cref="TimeoutException"/> with its output after <paramref name="deadline"/>. Environment
    /// variables set to null are removed, so a test does not inherit the machine's settings.
    /// <paramref name="started"/> is handed the process as soon as it runs (to watch it from outside).
    /// </summary>
    public static async Task<Finished> RunAsync(string file, string arguments, TimeSpan deadline, string? workingDirectory = null, IDictionary<string, string?>? environment = null,
        Action<Process>? started = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var both = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data, stdout, both);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stderr, both);
        process.Start();
        started?.Invoke(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {deadline}:\n{Text(both)}");
        }

        process.WaitForExit();
        return new Finished(process.ExitCode, Text(stdout), Text(stderr), Text(both));
    }

    /// <summary>
    /// Installs a Node folder's packages with <c>npm ci</c> unless they are installed already and no
    /// older than its lock file; null when there was nothing to do, else how npm ended.
    /// </summary>
    public static async Task<Finished?> InstallNodePackagesAsync(string folder, TimeSpan deadline)
    {
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json")))
        {
            return null;
        }

        return await RunAsync("npm", "ci --no-audit --no-fund", deadline, folder);
    }

    /// <summary>The folder that holds GuestChat.Actors.sln, found from the test's own folder upward.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "GuestChat.Actors.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("GuestChat.Actors.sln not found above " + AppContext.BaseDirectory);
    }

    private static void Append(string? line, params StringBuilder[] into)
    {
        if (line is null)
        {
            return;
        }

        foreach (var text in into)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    /// <summary>How a process ended and what it printed: its output, its errors, and both as they came.</summary>
    public sealed record Finished(int ExitCode, string Stdout, string Stderr, string Output);
}

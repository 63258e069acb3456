namespace GuestChat.Host.Tests.Serve;

/// <summary>The serve verb as an operator starts it: the real executable, refusing bad settings before it listens.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("", "Service:ApiKey is required")]
    [InlineData("--Service:ApiKey=short", "Service:ApiKey must be at least 16 characters")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --target mypurecloud.mars", "Target:Environment: Unknown region mypurecloud.mars")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --faults apocalypse", "Target:EmulatorFaults must be one of")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --target mypurecloud.ie", "Target:OrganizationId is required when Target:Environment is mypurecloud.ie")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Target:DeploymentId=nope", "Target:DeploymentId must be a GUID")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --log-format xml", "Service:LogFormat must be console or json")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Persistence:Provider=Sqlite", "Persistence:JwtKey is required with Persistence:Provider=Sqlite")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Persistence:JwtKey=c2hvcnQ=", "Persistence:JwtKey: The key must be 32 bytes")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Persistence:Provider=PostgreSql --Persistence:JwtKey=MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", "Persistence:ConnectionString is required with Persistence:Provider=PostgreSql")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Persistence:SqliteSynchronous=sometimes", "Persistence:SqliteSynchronous is Normal or Full")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Amqp:Uri=http://guest:secret-password@127.0.0.1:5672/", "Amqp:Uri must be an amqp:// or amqps:// URI")]
    [InlineData("--Service:ApiKey=long-enough-key-0123 --Amqp:Uri=amqp://guest:secret-password@127.0.0.1:5672/ --Amqp:Prefetch=0", "Amqp:Prefetch must be at least 1")]
    public async Task Bad_settings_stop_the_service_at_start_with_exit_code_2_and_name_the_setting(string arguments, string message)
    {
        // A valid journal key unless the case is about persistence: the service reports one section's problems at a time.
        var key = arguments.Contains("Persistence", StringComparison.Ordinal) ? "" : " --Persistence:JwtKey=MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
        var (exitCode, stdout, stderr) = await ServeAsync($"serve --urls http://127.0.0.1:0 {arguments}{key}");

        Assert.True(exitCode == 2, $"exit {exitCode}\n{stdout}\n{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("long-enough-key-0123", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_explains_the_serve_verb_and_its_settings()
    {
        var (exitCode, stdout, _) = await ServeAsync("serve --help");

        Assert.Equal(0, exitCode);
        Assert.Contains("GUESTCHAT_Service__ApiKey", stdout, StringComparison.Ordinal);
        Assert.Contains("GUESTCHAT_Persistence__JwtKey", stdout, StringComparison.Ordinal);
        Assert.Contains("--target", stdout, StringComparison.Ordinal);
        Assert.Contains("--log-format", stdout, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> ServeAsync(string arguments) => HostExecutable.RunAsync(arguments, TimeSpan.FromSeconds(60));
}

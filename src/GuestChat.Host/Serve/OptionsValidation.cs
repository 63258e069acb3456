using GuestChat.Client;
using GuestChat.Emulator.Options;
using Microsoft.Extensions.Options;

namespace GuestChat.Host.Serve;

/// <summary>Checks the service's options at start, naming each bad setting by its configuration path.</summary>
internal sealed class OptionsValidation : IValidateOptions<ServiceOptions>, IValidateOptions<TargetOptions>, IValidateOptions<GuestChat.Host.Amqp.AmqpOptions>
{
    public ValidateOptionsResult Validate(string? name, GuestChat.Host.Amqp.AmqpOptions options)
    {
        const string section = GuestChat.Host.Amqp.AmqpOptions.Section;
        var failures = new List<string>();
        if (options.Enabled && !(Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"))
        {
            failures.Add($"{section}:Uri must be an amqp:// or amqps:// URI.");
        }

        foreach (var (setting, value) in new[] { ("CommandQueue", options.CommandQueue), ("EventExchange", options.EventExchange), ("DeadLetterExchange", options.DeadLetterExchange), ("DeadLetterQueue", options.DeadLetterQueue) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 255)
            {
                failures.Add($"{section}:{setting} must be a name of 1 to 255 characters.");
            }
        }

        if (options.Prefetch < 1)
        {
            failures.Add($"{section}:Prefetch must be at least 1.");
        }

        if (options.DeliveryLimit < 1)
        {
            failures.Add($"{section}:DeliveryLimit must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The shortest API key accepted: long enough that guessing it is hopeless.</summary>
    public const int MinimumApiKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ServiceOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{ServiceOptions.Section}:ApiKey is required: set the environment variable GUESTCHAT_Service__ApiKey to a secret of at least {MinimumApiKeyLength} characters.");
        }
        else if (options.ApiKey.Trim().Length < MinimumApiKeyLength)
        {
            failures.Add($"{ServiceOptions.Section}:ApiKey must be at least {MinimumApiKeyLength} characters.");
        }

        if (options.LogFormat is not ("console" or "json"))
        {
            failures.Add($"{ServiceOptions.Section}:LogFormat must be console or json, not {options.LogFormat}.");
        }

        if (options.EventStreamBuffer < 16)
        {
            failures.Add($"{ServiceOptions.Section}:EventStreamBuffer must be at least 16.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, TargetOptions options)
    {
        var failures = new List<string>();
        if (!options.IsEmbedded)
        {
            try
            {
                GuestChatEnvironment.Parse(options.Environment);
            }
            catch (ArgumentException e)
            {
                failures.Add($"{TargetOptions.Section}:Environment: {e.Message}");
            }
        }

        if (FaultProfiles.Get(options.EmulatorFaults) is null)
        {
            failures.Add($"{TargetOptions.Section}:EmulatorFaults must be one of {string.Join(", ", FaultProfiles.Names)}, not {options.EmulatorFaults}.");
        }

        // A real organization's ids come from its owner; only the embedded emulator has ids of its own.
        foreach (var (setting, value) in new[] { ("OrganizationId", options.OrganizationId), ("DeploymentId", options.DeploymentId) })
        {
            if (value is not null && !Guid.TryParse(value, out _))
            {
                failures.Add($"{TargetOptions.Section}:{setting} must be a GUID, not '{value}'.");
            }
            else if (value is null && !options.IsEmbedded)
            {
                failures.Add($"{TargetOptions.Section}:{setting} is required when {TargetOptions.Section}:Environment is {options.Environment}.");
            }
        }

        // On Web Messaging the deployment's flow routes the chat; guest chat names a queue.
        if (string.IsNullOrWhiteSpace(options.Queue) && (options.Queue is not null || (!options.IsEmbedded && options.Transport == GuestChat.Client.GuestApi.GuestChat)))
        {
            failures.Add($"{TargetOptions.Section}:Queue is required when {TargetOptions.Section}:Environment is {options.Environment}.");
        }

        if (options.RequestsPerSecond <= 0)
        {
            failures.Add($"{TargetOptions.Section}:RequestsPerSecond must be above 0.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

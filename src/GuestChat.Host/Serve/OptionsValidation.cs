using GuestChat.Client;
using GuestChat.Emulator.Options;
using Microsoft.Extensions.Options;

namespace GuestChat.Host.Serve;

/// <summary>Checks the service's options at start, naming each bad setting by its configuration path.</summary>
internal sealed class OptionsValidation : IValidateOptions<ServiceOptions>, IValidateOptions<TargetOptions>
{
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

        if (string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            failures.Add($"{TargetOptions.Section}:OrganizationId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.DeploymentId))
        {
            failures.Add($"{TargetOptions.Section}:DeploymentId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.Queue))
        {
            failures.Add($"{TargetOptions.Section}:Queue is required.");
        }

        if (options.RequestsPerSecond <= 0)
        {
            failures.Add($"{TargetOptions.Section}:RequestsPerSecond must be above 0.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

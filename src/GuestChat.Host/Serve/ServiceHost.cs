using Akka.Hosting;
using GuestChat.Actors.Cluster;
using GuestChat.Actors.Conversations;
using GuestChat.Actors.Hosting;
using GuestChat.Actors.Persistence;
using GuestChat.Client;
using GuestChat.Client.Http;
using GuestChat.Host.Amqp;
using GuestChat.Host.Api;
using GuestChat.Host.Metrics;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Formatting.Compact;

namespace GuestChat.Host.Serve;

/// <summary>
/// The <c>serve</c> verb's application: configuration (<c>config/appsettings.json</c>, then
/// <c>GUESTCHAT_</c> environment variables, then the command line), options validated at start,
/// Serilog as the one log pipeline (Akka's logs included), the embedded emulator when targeted, the
/// actor system, and the HTTP API on Kestrel.
/// </summary>
internal static class ServiceHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", "appsettings.json"), optional: false)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "config", $"appsettings.{builder.Environment.EnvironmentName}.json"), optional: true)
            .AddEnvironmentVariables("GUESTCHAT_")
            .AddCommandLine(args);

        // The format is read straight from configuration: logging must work before (and to report) options validation.
        builder.Services.AddSerilog(logs =>
        {
            logs.ReadFrom.Configuration(builder.Configuration).Enrich.FromLogContext();
            if (string.Equals(builder.Configuration[$"{ServiceOptions.Section}:LogFormat"], "json", StringComparison.OrdinalIgnoreCase))
            {
                logs.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logs.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });

        builder.Services.AddOptions<ServiceOptions>().Bind(builder.Configuration.GetSection(ServiceOptions.Section)).ValidateOnStart();
        builder.Services.AddOptions<TargetOptions>().Bind(builder.Configuration.GetSection(TargetOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ServiceOptions>, OptionsValidation>();
        builder.Services.AddSingleton<IValidateOptions<TargetOptions>, OptionsValidation>();
        builder.Services.AddOptions<AmqpOptions>().Bind(builder.Configuration.GetSection(AmqpOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AmqpOptions>, OptionsValidation>();
        // Checked here, before anything starts: the actor system is configured from it while the host starts.
        JournalSettings journal;
        try
        {
            journal = builder.Configuration.GetSection(JournalSettings.Section).Get<JournalSettings>() ?? new JournalSettings();
        }
        catch (InvalidOperationException e)
        {
            // A value that is none of a setting's choices: the binder's message names the setting, the choices say what it takes.
            throw new OptionsValidationException(JournalSettings.Section, typeof(JournalSettings), [$"{e.Message} {JournalSettings.Choices}"]);
        }

        if (journal.Problems().ToList() is { Count: > 0 } journalProblems)
        {
            throw new OptionsValidationException(JournalSettings.Section, typeof(JournalSettings), journalProblems);
        }

        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var clusterProblems = cluster.Problems().ToList();
        if (cluster.Enabled && journal.Provider != PersistenceProvider.PostgreSql)
        {
            clusterProblems.Add($"{ClusterSettings.Section}:Enabled=true needs {JournalSettings.Section}:Provider=PostgreSql: the nodes share one journal (a chat moves with its facts).");
        }

        if (clusterProblems.Count > 0)
        {
            throw new OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings), clusterProblems);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });

        // Registered before the actor system, so it is up before the first conversation needs it.
        builder.Services.AddSingleton<EmbeddedEmulator>();
        builder.Services.AddSingleton<IChatDefaults>(services => services.GetRequiredService<EmbeddedEmulator>());
        builder.Services.AddHostedService(services => services.GetRequiredService<EmbeddedEmulator>());
        builder.Services.AddGuestChat(
            services => new GuestChatClientOptions
            {
                Environment = services.GetRequiredService<EmbeddedEmulator>().Environment,
                RateLimit = new RateLimitOptions { RequestsPerSecond = services.GetRequiredService<IOptions<TargetOptions>>().Value.RequestsPerSecond },
                Api = services.GetRequiredService<IOptions<TargetOptions>>().Value.Transport,
                Origin = services.GetRequiredService<IOptions<TargetOptions>>().Value.Origin,
            },
            _ => builder.Configuration.GetSection("Conversations").Get<ConversationSettings>() ?? new ConversationSettings(),
            configureAkka: (akka, _) => akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            }),
            journal: _ => journal,
            cluster: cluster);
        builder.Services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.ConfigureHttpJsonOptions(json => ApiJson.Describe(json.SerializerOptions));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<EventSchemas>().AddOperationTransformer<RequestBodies>());
        builder.Services.AddSingleton<AmqpMetrics>();
        builder.Services.AddSingleton<AmqpConnection>();
        if (builder.Configuration.GetSection(AmqpOptions.Section).Get<AmqpOptions>() is { Enabled: true })
        {
            // The message-queue surface, beside HTTP: commands in (and, from the journal, events out).
            builder.Services.AddHostedService<AmqpCommandService>();
            builder.Services.AddHostedService<AmqpEventPublisher>();
        }
        builder.Services.AddHostedService<MetricsSubscription>();

        var app = builder.Build();
        app.UseMiddleware<ApiEnvelopeMiddleware>();
        app.UseSerilogRequestLogging(logging => logging.GetLevel = (context, _, error) =>
            error is not null || context.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
            : context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/metrics") ? Serilog.Events.LogEventLevel.Verbose
            : Serilog.Events.LogEventLevel.Debug);
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapChatApi();
        return app;
    }
}

using GuestChat.Emulator.Api;
using GuestChat.Emulator.Chat;
using GuestChat.Emulator.Control;
using GuestChat.Emulator.Faults;
using GuestChat.Emulator.Options;
using GuestChat.Emulator.Streaming;
using GuestChat.Emulator.WebMessaging;

namespace GuestChat.Emulator;

/// <summary>Wires the emulator into an ASP.NET Core application; used by the executable and by <see cref="GuestChatEmulator"/>.</summary>
public static class EmulatorHosting
{
    /// <summary>Registers the emulator's services and Kestrel limits, and keeps framework logs (which would print event-stream URLs, and so JWTs) at Warning.</summary>
    public static WebApplicationBuilder AddGuestChatEmulator(this WebApplicationBuilder builder, EmulatorOptions options)
    {
        options.Normalize();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => new ChatPlatform(options, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<HeartbeatService>();
        builder.Services.AddHostedService<SocketDropService>();
        builder.Services.AddHostedService<RetentionService>();
        return builder;
    }

    /// <summary>Adds the middleware and maps the guest API, the event stream and the control API.</summary>
    public static WebApplication UseGuestChatEmulator(this WebApplication app)
    {
        app.UseMiddleware<ApiEnvelopeMiddleware>();
        app.UseMiddleware<FaultInjectionMiddleware>();
        // Liveness is the heartbeat frames' job, as on the real service, so no protocol pings.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.MapGuestApi();
        app.MapEventStream();
        app.MapWebMessaging();
        app.MapControlApi();

        // A stopping server lets go of its sockets at once, as a restarting one would, rather than
        // waiting out the shutdown timeout for guests that never close.
        var platform = app.Services.Platform();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var socket in platform.Sockets.All)
            {
                socket.Drop();
            }
        });
        return app;
    }

    /// <summary>The emulator's state, for an in-process host.</summary>
    internal static ChatPlatform Platform(this IServiceProvider services) => services.GetRequiredService<ChatPlatform>();
}

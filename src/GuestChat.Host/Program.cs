using System.CommandLine;
using GuestChat.Host.Run;
using GuestChat.Host.Serve;
using Microsoft.Extensions.Options;

var chats = new Option<int>("--chats") { Description = "How many chats to open at once.", DefaultValueFactory = _ => 50 };
var messages = new Option<int>("--messages") { Description = "How many messages each guest sends.", DefaultValueFactory = _ => 3 };
var ramp = new Option<double>("--ramp") { Description = "Chats started per second (0: all at once).", DefaultValueFactory = _ => 25 };
var scenario = new Option<string>("--scenario") { Description = "The guest's script: a JSON file, or the name of one in config/scenarios (default, steady).", DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "config", "scenarios", "default.json") };
var target = new Option<string?>("--target") { Description = "A region (mypurecloud.ie) or base URL; default: the embedded emulator, started in-process." };
var faults = new Option<string>("--faults") { Description = "The embedded emulator's fault profile: none, chaos, flaky or slow.", DefaultValueFactory = _ => "none" };
var emulatorMode = new Option<string>("--emulator") { Description = $"Where the embedded emulator runs: auto (in this process up to {RunOptions.InProcessLimit} chats, in its own above: each chat holds a socket on both sides), in-process or process.", DefaultValueFactory = _ => "auto" };
emulatorMode.AcceptOnlyFromAmong("auto", "in-process", "process");
var json = new Option<bool>("--json") { Description = "Print the final report as one JSON object on the last line." };
var organization = new Option<string?>("--organization") { Description = "The organization id of the chats; required with a --target that is not an emulator (default: the emulator's own)." };
var deployment = new Option<string?>("--deployment") { Description = "The web chat deployment id; required with a --target that is not an emulator (default: the emulator's own)." };
var via = new Option<string>("--via") { Description = "How the chats are driven: direct (the conversations, in this process) or amqp (commands through RabbitMQ's command queue, events from its exchange, as an integration would).", DefaultValueFactory = _ => "direct" };
via.AcceptOnlyFromAmong("direct", "amqp");
var amqpUri = new Option<string?>("--amqp-uri") { Description = "The broker for --via amqp (default: a throw-away one started with scripts/rabbitmq.sh)." };
var transport = new Option<string>("--transport") { Description = "The guest API the chats speak: guestchat (the emulator's default) or webmessaging (Genesys Web Messaging, its successor).", DefaultValueFactory = _ => "guestchat" };
var queue = new Option<string?>("--queue") { Description = "The queue the chats ask for (default: the scenario's, else the embedded emulator's first)." };

var run = new Command("run", "Open N guest chats now and drive a scripted guest in each: type, send, wait for the agent's replies, answer media requests, leave. Shows live progress and ends with a report.")
{
    chats, messages, ramp, scenario, target, organization, deployment, queue, transport, faults, emulatorMode, via, amqpUri, json,
};
run.TreatUnmatchedTokensAsErrors = false;
run.SetAction(async (parse, cancellationToken) =>
{
    var options = new RunOptions
    {
        Chats = parse.GetValue(chats),
        Messages = parse.GetValue(messages),
        Ramp = parse.GetValue(ramp),
        ScenarioPath = parse.GetValue(scenario)!,
        Target = parse.GetValue(target),
        Organization = parse.GetValue(organization),
        Deployment = parse.GetValue(deployment),
        Queue = parse.GetValue(queue),
        EmulatorSettings = [.. parse.UnmatchedTokens],
        Faults = parse.GetValue(faults)!,
        Emulator = parse.GetValue(emulatorMode)!,
        Json = parse.GetValue(json),
        Via = parse.GetValue(via)!,
        AmqpUri = parse.GetValue(amqpUri),
        Transport = parse.GetValue(transport)!,
    };
    if (options.Problem() is { } problem)
    {
        Console.Error.WriteLine(problem);
        return 2;
    }

    try
    {
        var report = await new RunJob(options, options.Json ? Console.Error : Console.Out).ExecuteAsync(cancellationToken);
        Console.Out.WriteLine(report.ToText());
        if (options.Json)
        {
            Console.Out.WriteLine(report.ToJson());
        }

        return report.ChatsFailed == 0 ? 0 : 1;
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
});

var schemasFolder = new Argument<string>("folder") { Description = "Where to write them (the repository keeps them in docs/schemas).", DefaultValueFactory = _ => Path.Combine("docs", "schemas") };
var schemas = new Command("schemas", "Write the JSON Schemas of the message queue's commands and events and of the error body, made from the types the service reads and writes.")
{
    schemasFolder,
};
schemas.SetAction(parse =>
{
    GuestChat.Host.Api.Contracts.Write(parse.GetValue(schemasFolder)!);
    return 0;
});

var urls = new Option<string?>("--urls") { Description = "Where the HTTP API listens (default from config/appsettings.json: http://localhost:8080)." };
var logFormat = new Option<string?>("--log-format") { Description = "console (default) or json." };
var serveTarget = new Option<string?>("--target") { Description = "embedded (default), a region (mypurecloud.ie) or a base URL." };
var serveFaults = new Option<string?>("--faults") { Description = "The embedded emulator's fault profile: none, chaos, flaky or slow." };
var serve = new Command("serve", "Run the long-running service: an HTTP API (API key in X-Api-Key) to create and drive chats, server-sent events, /healthz and /metrics. "
    + "Conversations are journaled to SQLite (data/guestchat.db) and resumed after a restart; GUESTCHAT_Persistence__JwtKey (32 random bytes, base64) encrypts their JWTs at rest. "
    + "Settings come from config/appsettings.json, then GUESTCHAT_ environment variables (GUESTCHAT_Service__ApiKey and GUESTCHAT_Persistence__JwtKey are required), then --Section:Key=value arguments.")
{
    urls, logFormat, serveTarget, serveFaults,
};
serve.TreatUnmatchedTokensAsErrors = false;
serve.SetAction(async (parse, cancellationToken) =>
{
    var settings = new List<string>(parse.UnmatchedTokens);
    void Set(string key, string? value)
    {
        if (value is not null)
        {
            settings.Add($"--{key}={value}");
        }
    }

    Set("Urls", parse.GetValue(urls));
    Set("Service:LogFormat", parse.GetValue(logFormat));
    Set("Target:Environment", parse.GetValue(serveTarget));
    Set("Target:EmulatorFaults", parse.GetValue(serveFaults));
    try
    {
        await using var app = ServiceHost.Build([.. settings]);
        await app.RunAsync(cancellationToken);
        return 0;
    }
    catch (OptionsValidationException e)
    {
        foreach (var failure in e.Failures)
        {
            Console.Error.WriteLine(failure);
        }

        return 2;
    }
});

var root = new RootCommand("GuestChat.Actors: many Genesys Cloud guest chats at once, each a supervised actor.") { serve, run, schemas };
return await root.Parse(args).InvokeAsync();

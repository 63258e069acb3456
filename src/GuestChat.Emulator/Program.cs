using GuestChat.Emulator;
using GuestChat.Emulator.Options;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(Banner.Usage);
    return 0;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddCommandLine(args, Banner.SwitchMappings);
var options = EmulatorOptions.FromSettings(args);
try
{
    builder.AddGuestChatEmulator(options);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var app = builder.Build();
app.UseGuestChatEmulator();
await app.StartAsync();
Console.WriteLine(Banner.Describe(app.Urls, options));
await app.WaitForShutdownAsync();
return 0;

using GuestChat.Benchmarks.EmulatorCapacity;

const string usage = """
    GuestChat benchmarks. Each writes its results to a file (default under bench-results/).

    dotnet run -c Release --project tests/GuestChat.Benchmarks -- emulator [options]
    """;

if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine(usage);
    Console.WriteLine(CapacityOptions.Usage);
    return 0;
}

try
{
    return args[0] switch
    {
        "emulator" => await CapacityBenchmark.RunAsync(CapacityOptions.Parse(args[1..])),
        _ => throw new ArgumentException($"Unknown benchmark {args[0]}"),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(usage);
    return 2;
}

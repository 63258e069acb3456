using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace GuestChat.Host.Tests;

/// <summary>The JSON Schemas in <c>docs/schemas</c>, as an integrator reads them, to check real messages against.</summary>
public static class ContractSchemas
{
    // Lazy: a schema is read once even when two tests ask at once (reading registers its $id, and a second registration throws).
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Loaded = new(StringComparer.Ordinal);

    /// <summary>The folder of the schema files.</summary>
    public static string Folder => Path.Combine(Processes.RepositoryRoot(), "docs", "schemas");

    /// <summary>Fails, naming what is wrong, unless <paramref name="json"/> is valid under the schema file <paramref name="file"/>.</summary>
    public static void AssertValid(string file, string json)
    {
        var schema = Loaded.GetOrAdd(file, f => new Lazy<JsonSchema>(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(Folder, f))))).Value;
        using var document = JsonDocument.Parse(json);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{json}\nis not valid under {file}: {string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")))}");
    }
}

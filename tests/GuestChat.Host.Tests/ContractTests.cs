using GuestChat.Host.Api;

namespace GuestChat.Host.Tests;

/// <summary>The contracts integrators generate code from: the schema files are the service's own types, and they reject what the service would.</summary>
public sealed class ContractTests
{
    [Fact]
    public void The_schema_files_in_docs_are_those_of_the_types_the_service_reads_and_writes()
    {
        foreach (var (file, schema) in Contracts.Schemas())
        {
            var path = Path.Combine(ContractSchemas.Folder, file);
            Assert.True(File.Exists(path), $"docs/schemas/{file} is missing: run `dotnet run --project src/GuestChat.Host -- schemas` from the repository root");
            Assert.True(Contracts.Text(schema) == File.ReadAllText(path), $"docs/schemas/{file} is out of date: run `dotnet run --project src/GuestChat.Host -- schemas` from the repository root");
        }

        Assert.Equal(Contracts.Schemas().Select(s => s.File).Order(), Directory.GetFiles(ContractSchemas.Folder).Select(Path.GetFileName).Order()!);
    }

    [Theory]
    [InlineData("command.chat.send.schema.json", """{"body":"hello","colour":"red"}""")]
    [InlineData("command.chat.send.schema.json", """{"body":42}""")]
    [InlineData("command.chat.media-answer.schema.json", """{"mediaRequestId":"m-1","decision":"maybe"}""")]
    [InlineData("command.chat.start.schema.json", """{"routingTarget":{"targetType":"NOWHERE"}}""")]
    [InlineData("event.message.schema.json", """{"key":"k","messageId":"m","sender":{"id":"a","state":"CONNECTED"},"body":"b","bodyType":"standard","timestamp":"2026-11-25T12:00:00.000Z"}""")]
    public void A_schema_rejects_what_the_service_rejects_or_never_writes(string file, string json) =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ContractSchemas.AssertValid(file, json));
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace GuestChat.Host.Tests.Serve;

/// <summary>The OpenAPI document integrators generate clients from, checked against the running service.</summary>
public sealed class OpenApiTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task The_document_describes_every_endpoint_the_service_maps_with_its_answers_and_errors()
    {
        using var response = await service.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var paths = document["paths"]!.AsObject();

        foreach (var (route, method) in service.Routes.Where(r => !r.Route.StartsWith("/openapi", StringComparison.Ordinal)))
        {
            Assert.True(paths[route]?[method.ToLowerInvariant()] is not null, $"{method} {route} is not in the document");
        }

        // A create: its 201 answer and its errors, each an ErrorBody.
        var create = paths["/chats"]!["post"]!;
        Assert.NotNull(create["requestBody"]);
        foreach (var status in new[] { "400", "409", "429", "502" })
        {
            Assert.Contains("ErrorBody", create["responses"]![status]!["content"]!["application/json"]!["schema"]!.ToJsonString(), StringComparison.Ordinal);
        }

        var schemas = document["components"]!["schemas"]!.AsObject();
        var created = Properties(schemas, create["responses"]!["201"]!["content"]!["application/json"]!["schema"]!);
        var error = schemas["ErrorBody"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("code", error);
        Assert.Contains("details", error);

        // The real answers have the documented fields.
        var answer = (await (await service.PostAsync("/chats", """{"key":"openapi-1","memberInfo":{"displayName":"Doc"}}""")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(created.Order(), answer.Select(p => p.Key).Order());
        var refused = (await (await service.PostAsync("/chats", """{"key":"openapi-1"}""")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.All(refused.Select(p => p.Key), field => Assert.Contains(field, error));

        // The events' data shapes, the same as the message queue's.
        foreach (var name in new[] { "started", "state", "member", "message", "typing", "mediaRequest", "reconnecting", "jwtExpiring", "ended" })
        {
            Assert.True(schemas[$"event.{name}"] is not null, $"event.{name} is not among the components");
        }

        Assert.Contains("sequence", Properties(schemas, schemas["event.message"]!));
    }

    private static List<string> Properties(JsonObject schemas, JsonNode schema) =>
        schema["$ref"] is { } reference
            ? Properties(schemas, schemas[reference.GetValue<string>().Split('/')[^1]]!)
            : [.. schema["properties"]!.AsObject().Select(p => p.Key)];
}

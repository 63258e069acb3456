using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GuestChat.Host.Api;

/// <summary>
/// Adds the server-sent events' data shapes to the OpenAPI document as components <c>event.&lt;name&gt;</c>
/// (an event stream's body has no single schema; each event's data has one, the same as on the message
/// queue's event exchange), and <c>GET /metrics</c>.
/// </summary>
internal sealed class EventSchemas : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, shape) in EventViews.Shapes)
        {
            document.Components.Schemas[$"event.{name}"] = await context.GetOrCreateSchemaAsync(shape, null, cancellationToken);
        }

        // Prometheus's endpoint is middleware, which the API explorer does not see.
        document.Paths ??= [];
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = "Prometheus metrics (text exposition format)",
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse { Description = "The metrics", Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() } },
                        ["401"] = new OpenApiResponse { Description = "No or a wrong API key" },
                    },
                },
            },
        };
    }
}

/// <summary>The JSON body an endpoint reads (it reads it itself, so that every way a body can be wrong gets the service's own error body).</summary>
internal sealed record RequestShape(Type Type);

/// <summary>Documents the request body of an endpoint that carries a <see cref="RequestShape"/>.</summary>
internal sealed class RequestBodies : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestShape>().FirstOrDefault() is { } shape)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(shape.Type, null, cancellationToken) } },
            };
        }
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Trailmap.Drafting.Draft;

/// <summary>
/// Where <c>trailmap draft</c> finds a model: any OpenAI-compatible chat completions endpoint (Ollama, llama.cpp's
/// server, vLLM, hosted APIs), the model's name, an optional key, and how long and how often to try a request.
/// </summary>
public sealed record ModelEndpoint(Uri Url, string Model, string? Key, TimeSpan Timeout, int Retries)
{
    public const string UrlVariable = "TRAILMAP_MODEL_URL";
    public const string ModelVariable = "TRAILMAP_MODEL";
    public const string KeyVariable = "TRAILMAP_MODEL_KEY";

    /// <summary>How to configure a model, for the message shown when none is.</summary>
    public const string Help =
        "point trailmap draft at any OpenAI-compatible chat endpoint with --model-url and --model (or the environment variables " +
        UrlVariable + " and " + ModelVariable + "; " + KeyVariable + " or --model-key for a key), e.g. a local Ollama: " +
        "--model-url http://127.0.0.1:11434/v1 --model llama3.1 (see docs/draft.md)";

    /// <summary>
    /// The endpoint from the options, else the environment; null when no URL or no model is set (the caller explains
    /// how to set them). A URL that is not http(s) is an error with what to write instead.
    /// </summary>
    public static ModelEndpoint? Resolve(string? url, string? model, string? key, TimeSpan timeout, int retries, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        url = Pick(url, environment(UrlVariable));
        model = Pick(model, environment(ModelVariable));
        key = Pick(key, environment(KeyVariable));
        if (url is null || model is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new DraftException($"the model URL '{url}' is not an http or https URL; write the endpoint's base, e.g. http://127.0.0.1:11434/v1");
        }

        return new ModelEndpoint(uri, model, key, timeout, retries);
    }

    private static string? Pick(string? option, string? variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim() : !string.IsNullOrWhiteSpace(variable) ? variable.Trim() : null;

    /// <summary>
    /// A chat client for the endpoint. The OpenAI client's pipeline retries 408, 429 and 5xx answers (honouring
    /// Retry-After) up to <see cref="Retries"/> times and gives each try <see cref="Timeout"/>.
    /// </summary>
    public IChatClient CreateClient()
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = Url,
            NetworkTimeout = Timeout,
            RetryPolicy = new ClientRetryPolicy(Retries),
        };
        // Local servers (Ollama, llama.cpp) need no key, but the client insists on one; any text will do for them.
        var chat = new OpenAI.Chat.ChatClient(Model, new ApiKeyCredential(Key ?? "no-key"), options);
        return chat.AsIChatClient();
    }
}

/// <summary>A problem with the model or the inputs that the user can fix; the message says how.</summary>
public sealed class DraftException(string message) : Exception(message);

using System.ClientModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Validation;
using Trailmap.Journeys.Writing;

namespace Trailmap.Drafting.Draft;

/// <summary>One step's progress as its answer streams in: which step, how much text so far, and whether it is done.</summary>
public sealed record DraftProgress(string Step, int Number, int Of, int Characters, bool Done, TimeSpan Elapsed);

/// <summary>
/// The outcome of a draft: the validated journey as YAML, or the last draft's text with the diagnostics that remain.
/// <see cref="LastDraft"/> is what the model last answered, exactly, so the diagnostics' lines and columns point into it.
/// </summary>
public sealed record DraftResult(string? Yaml, string LastDraft, IReadOnlyList<Diagnostic> Diagnostics, int Repairs)
{
    public bool Valid => Yaml is not null;
}

/// <summary>
/// <c>trailmap draft</c>: drafts a journey with a chat model in the customer's generator's steps, asks for the
/// journey as structured output against the journey JSON Schema, and validates every draft; errors go back to the
/// model with their locations for at most <c>repairs</c> rounds.
/// </summary>
public static class JourneyDrafter
{
    /// <summary>How many times a draft with errors goes back to the model by default.</summary>
    public const int DefaultRepairs = 2;

    public static async Task<DraftResult> DraftAsync(
        IChatClient client,
        ModelEndpoint endpoint,
        DraftInput input,
        int repairs,
        string draftPath,
        IProgress<DraftProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(input);
        input.Check();
        var of = DraftSteps.TextSteps.Length + 1;
        var messages = new List<ChatMessage> { new(ChatRole.System, DraftSteps.System) };
        var data = input.AsPromptData();
        for (var i = 0; i < DraftSteps.TextSteps.Length; i++)
        {
            var (name, prompt) = DraftSteps.TextSteps[i];
            messages.Add(new ChatMessage(ChatRole.User, i == 0 ? data + prompt : prompt));
            var answer = await AskAsync(client, endpoint, messages, new ChatOptions { Temperature = 0.4f }, name, i + 1, of, progress, cancellationToken).ConfigureAwait(false);
            messages.Add(new ChatMessage(ChatRole.Assistant, answer));
        }

        using var schema = JsonDocument.Parse(JourneySchema.Json);
        var structured = new ChatOptions
        {
            Temperature = 0.2f,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "trailmap_journey", "A Trailmap journey map (format version 1)"),
        };
        messages.Add(new ChatMessage(ChatRole.User, DraftSteps.JourneyPrompt + (input.Extend is null ? "" : DraftSteps.KeepIds)));
        var kept = KeptIds(input);
        for (var round = 0; ; round++)
        {
            var step = round == 0 ? DraftSteps.JourneyName : $"{DraftSteps.JourneyName}, repair {round} of {repairs}";
            var text = Unfence(await AskAsync(client, endpoint, messages, structured, step, of, of, progress, cancellationToken).ConfigureAwait(false));
            messages.Add(new ChatMessage(ChatRole.Assistant, text));
            var file = JourneyFile.FromText(text, draftPath);
            var errors = file.Diagnostics.Where(d => d.Severity == Severity.Error).ToList();
            if (file.Journey is { } drafted && errors.Count == 0 && kept.Count > 0 && Dropped(kept, drafted, input.Extend?.Name ?? "", draftPath) is { Count: > 0 } dropped)
            {
                errors = dropped;
                file = file with { Diagnostics = [.. file.Diagnostics, .. dropped] };
            }

            if (file.Journey is { } journey && errors.Count == 0)
            {
                return new DraftResult(JourneyYamlWriter.Write(journey), text, file.Diagnostics, round);
            }

            if (round >= repairs)
            {
                return new DraftResult(null, text, file.Diagnostics, round);
            }

            messages.Add(new ChatMessage(ChatRole.User, DraftSteps.Repair(errors.Select(d => d.ToString()))));
        }
    }

    /// <summary>The ids a journey being extended defines (personas, stages, KPIs): an extension keeps them, so links, rules and measurements of the original still hold.</summary>
    private static List<(string Kind, string Id)> KeptIds(DraftInput input)
    {
        if (input.Extend is not { } extend || JourneyFile.FromText(extend.Yaml, extend.Name).Journey is not { } original)
        {
            return [];
        }

        return [.. original.Personas.Select(p => ("persona", p.Id)), .. original.Stages.Select(s => ("stage", s.Id)), .. original.AllMetrics().Select(m => ("KPI", m.Id))];
    }

    /// <summary>An error for each id of the extended journey that the draft no longer defines, at the top of the draft.</summary>
    private static List<Diagnostic> Dropped(List<(string Kind, string Id)> kept, Journey drafted, string originalName, string draftPath)
    {
        var have = drafted.Personas.Select(p => ("persona", p.Id)).Concat(drafted.Stages.Select(s => ("stage", s.Id))).Concat(drafted.AllMetrics().Select(m => ("KPI", m.Id))).ToHashSet();
        return [.. kept.Where(k => !have.Contains(k)).Select(k => new Diagnostic(
            Severity.Error, ExtendCode, $"the {k.Kind} '{k.Id}' of {originalName}, the journey this draft extends, is missing; keep every persona, stage and KPI id of the original and add to it", draftPath, new SourceLocation(1, 1)))];
    }

    /// <summary>The code of a draft that drops an id of the journey it extends (not a validator code: only drafts extend).</summary>
    public const string ExtendCode = "extend";

    /// <summary>Strips a Markdown code fence that some models put around JSON even when told not to.</summary>
    internal static string Unfence(string text)
    {
        var t = text.Trim();
        if (!t.StartsWith("```", StringComparison.Ordinal))
        {
            return t;
        }

        var firstLine = t.IndexOf('\n', StringComparison.Ordinal);
        var end = t.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && end > firstLine ? t[(firstLine + 1)..end].Trim() : t;
    }

    private static async Task<string> AskAsync(
        IChatClient client,
        ModelEndpoint endpoint,
        List<ChatMessage> messages,
        ChatOptions options,
        string step,
        int number,
        int of,
        IProgress<DraftProgress>? progress,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var text = new StringBuilder();
        progress?.Report(new DraftProgress(step, number, of, 0, false, watch.Elapsed));
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                text.Append(update.Text);
                progress?.Report(new DraftProgress(step, number, of, text.Length, false, watch.Elapsed));
            }
        }
        catch (ClientResultException e) when (e.Status == 429)
        {
            throw new DraftException($"{step}: the model endpoint {endpoint.Url} kept answering 429 Too Many Requests (its rate limit) after {endpoint.Retries} retries; wait and run again, or raise --retries");
        }
        catch (ClientResultException e) when (e.Status is 401 or 403)
        {
            throw new DraftException($"{step}: the model endpoint {endpoint.Url} refused the key ({e.Status}); set --model-key or {ModelEndpoint.KeyVariable}");
        }
        catch (ClientResultException e) when (e.Status == 404)
        {
            throw new DraftException($"{step}: the model endpoint {endpoint.Url} answered 404: check that the URL ends where the API starts (e.g. .../v1) and that the model '{endpoint.Model}' exists there");
        }
        catch (ClientResultException e) when (e.Status == 0)
        {
            // No HTTP answer at all: connection refused, DNS, TLS.
            throw new DraftException($"{step}: cannot reach the model at {endpoint.Url}: {FirstLine(e.Message)}; is the server running?");
        }
        catch (ClientResultException e)
        {
            throw new DraftException($"{step}: the model endpoint {endpoint.Url} failed{(e.Status > 0 ? $" with {e.Status}" : "")}: {FirstLine(e.Message)}");
        }
        catch (HttpRequestException e)
        {
            throw new DraftException($"{step}: cannot reach the model at {endpoint.Url}: {FirstLine(e.Message)}; is the server running?");
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new DraftException($"{step}: the model at {endpoint.Url} did not answer within {endpoint.Timeout.TotalSeconds:0.#}s ({endpoint.Retries + 1} tries); raise --timeout, or use a smaller model");
        }

        progress?.Report(new DraftProgress(step, number, of, text.Length, true, watch.Elapsed));
        return text.ToString();
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

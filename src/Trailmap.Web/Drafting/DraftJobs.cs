using Microsoft.Extensions.Logging;
using Trailmap.Drafting.Draft;
using Trailmap.Journeys;
using Trailmap.Journeys.Validation;

namespace Trailmap.Web.Drafting;

/// <summary>
/// Runs drafts started from the page in the background, at most <see cref="WorkspaceOptions.MaxConcurrentDrafts"/>
/// at once, with the model the server was started with. The last <see cref="Kept"/> drafts stay in memory for their
/// pages (a restart forgets them: nothing of a draft is saved until someone creates the journey).
/// </summary>
public sealed class DraftJobs(WorkspaceOptions options, TimeProvider time, ILogger<DraftJobs> logger) : IAsyncDisposable
{
    /// <summary>How many drafts, running or finished, the server remembers.</summary>
    public const int Kept = 20;

    private readonly Lock gate = new();
    private readonly List<DraftJob> jobs = [];

    public ModelEndpoint? Model => options.Model;

    /// <summary>The draft with this id, if it is <paramref name="actor"/>'s.</summary>
    public DraftJob? Find(string id, string actor)
    {
        lock (gate)
        {
            return jobs.FirstOrDefault(j => j.Id == id && j.StartedBy == actor);
        }
    }

    /// <summary>Starts a draft; null when as many drafts as allowed are running already.</summary>
    public DraftJob? TryStart(DraftInput input, string actor)
    {
        var model = options.Model ?? throw new InvalidOperationException("no model is configured");
        DraftJob job;
        lock (gate)
        {
            if (jobs.Count(j => !j.Done) >= options.MaxConcurrentDrafts)
            {
                return null;
            }

            job = new DraftJob(Guid.NewGuid().ToString("N"), actor, input.BriefName, time.GetUtcNow());
            jobs.Insert(0, job);
            while (jobs.Count > Kept && jobs.FindLastIndex(j => j.Done) is var old && old >= 0)
            {
                jobs.RemoveAt(old);
            }
        }

        job.Work = Task.Run(() => RunAsync(job, model, input));
        return job;
    }

    private async Task RunAsync(DraftJob job, ModelEndpoint model, DraftInput input)
    {
        try
        {
            using var client = model.CreateClient();
            var result = await JourneyDrafter.DraftAsync(client, model, input, JourneyDrafter.DefaultRepairs, "draft.yaml", job, job.Cancel.Token).ConfigureAwait(false);
            if (result.Valid)
            {
                var yaml = $"# Drafted with {model.Model} from {input.BriefName}{(result.Repairs > 0 ? $" ({result.Repairs} repair{(result.Repairs == 1 ? "" : "s")})" : "")}. A draft: review every stage, KPI and target before you create it.\n" + result.Yaml;

                // The warnings again, with lines and columns in the YAML the editor shows rather than in the model's JSON.
                job.Finish(new DraftOutcome(DraftState.Succeeded, yaml, JourneyFile.FromText(yaml).Diagnostics, result.Repairs, null));
            }
            else
            {
                var errors = result.Diagnostics.Count(d => d.Severity == Severity.Error);
                job.Finish(new DraftOutcome(DraftState.Invalid, result.LastDraft, result.Diagnostics, result.Repairs,
                    $"The draft still has {errors} error{(errors == 1 ? "" : "s")} after {result.Repairs} repair{(result.Repairs == 1 ? "" : "s")}. The model's last answer is below with its problems: fix them here and create the journey, or draft again."));
            }
        }
        catch (DraftException e)
        {
            job.Finish(new DraftOutcome(DraftState.Failed, null, [], 0, WebMessage(e.Message)));
        }
        catch (OperationCanceledException)
        {
            job.Finish(new DraftOutcome(DraftState.Cancelled, null, [], 0, "The draft was stopped."));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Draft {Job} from {Brief} failed", job.Id, job.BriefName);
            job.Finish(new DraftOutcome(DraftState.Failed, null, [], 0, $"The draft failed unexpectedly; the server log has the details (draft {job.Id})."));
        }
    }

    /// <summary>The drafter speaks to the CLI's user ("raise --timeout"); on the page the server's options are meant.</summary>
    internal static string WebMessage(string message) =>
        message.Replace("raise --timeout", "ask the administrator to raise serve's --model-timeout", StringComparison.Ordinal)
            .Replace("wait and run again, or raise --retries", "wait a minute and draft again", StringComparison.Ordinal)
            .Replace("set --model-key or", "the server needs serve's --model-key or", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        List<DraftJob> all;
        lock (gate)
        {
            all = [.. jobs];
        }

        foreach (var job in all)
        {
            await job.Cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await job.Work.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Draft {Job} did not stop within 10 s of shutdown", job.Id);
            }

            job.Cancel.Dispose();
        }
    }
}

using Trailmap.Delivery;
using Trailmap.Web.Analysis;
using Trailmap.Web.State;

namespace Trailmap.Web.Operations;

/// <summary>One store's answer to a readiness probe: null <see cref="Problem"/> when it answered.</summary>
public sealed record ReadinessCheck(string Name, string? Problem);

/// <summary>
/// Whether this node can serve: each store it needs (events, workspace, outbox) answers a trivial query within
/// <see cref="Timeout"/>. A load balancer takes a node that is not ready out of rotation and keeps it alive.
/// </summary>
/// <remarks>
/// The events store is asked through <see cref="EventData.UseStoreAsync{T}"/>, the gate every writer takes, so a node busy
/// with a long import through the web reports itself not ready for its duration: its ingestion and pages would wait
/// too, and another node should take the traffic.
/// </remarks>
public sealed class Readiness(EventData events, WorkspaceDb workspace, Outbox outbox)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<ReadinessCheck>> CheckAsync(CancellationToken cancel)
    {
        return
        [
            await Check("events", () => events.UseStoreAsync(s => s.MaxSequence(), cancel), cancel).ConfigureAwait(false),
            await Check("workspace", () => Task.Run(() => workspace.Scalar<int>("SELECT 1"), cancel), cancel).ConfigureAwait(false),
            await Check("outbox", () => Task.Run(outbox.Counts, cancel), cancel).ConfigureAwait(false),
        ];
    }

    private static async Task<ReadinessCheck> Check<T>(string name, Func<Task<T>> probe, CancellationToken cancel)
    {
        try
        {
            await probe().WaitAsync(Timeout, cancel).ConfigureAwait(false);
            return new ReadinessCheck(name, null);
        }
        catch (TimeoutException)
        {
            return new ReadinessCheck(name, $"did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            return new ReadinessCheck(name, ex.Message);
        }
    }
}

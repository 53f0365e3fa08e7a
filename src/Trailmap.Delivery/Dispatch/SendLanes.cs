using Trailmap.Journeys.Model;

namespace Trailmap.Delivery;

/// <summary>
/// Send slots, counted per channel and per destination, so that a receiver that hangs holds only its own share: each
/// channel has <see cref="DispatcherOptions.Parallelism"/> slots of its own (a hanging webhook never takes email's),
/// and one destination host may hold at most <see cref="DispatcherOptions.DestinationParallelism"/> of them (one
/// hanging receiver never takes the slots of the others).
/// </summary>
internal sealed class SendLanes(int perChannel, int perDestination)
{
    private readonly Lock gate = new();
    private readonly Dictionary<ActionChannel, int> byChannel = [];
    private readonly Dictionary<string, int> byDestination = new(StringComparer.Ordinal);

    /// <summary>
    /// Where a message goes, for the per-destination count: the host and port of a webhook's or Slack action's URL
    /// (a Slack action without one goes to the workspace's webhook, one destination); null for email and in-app
    /// messages, whose one destination is the channel itself (one SMTP server, the workspace's own table).
    /// </summary>
    public static string? Destination(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Action.Channel switch
        {
            ActionChannel.Webhook or ActionChannel.Slack =>
                Uri.TryCreate(entry.Action.Url, UriKind.Absolute, out var url)
                    ? $"{entry.Action.Channel}|{url.IdnHost}:{url.Port}"
                    : $"{entry.Action.Channel}|",
            _ => null,
        };
    }

    /// <summary>Takes a slot for <paramref name="entry"/>, or returns false when its channel or destination is full.</summary>
    public bool TryEnter(OutboxEntry entry)
    {
        var channel = entry.Action.Channel;
        var destination = Destination(entry);
        lock (gate)
        {
            if (byChannel.GetValueOrDefault(channel) >= perChannel
                || (destination is not null && byDestination.GetValueOrDefault(destination) >= perDestination))
            {
                return false;
            }

            byChannel[channel] = byChannel.GetValueOrDefault(channel) + 1;
            if (destination is not null)
            {
                byDestination[destination] = byDestination.GetValueOrDefault(destination) + 1;
            }

            return true;
        }
    }

    /// <summary>Gives back the slot <see cref="TryEnter"/> took.</summary>
    public void Leave(OutboxEntry entry)
    {
        var channel = entry.Action.Channel;
        var destination = Destination(entry);
        lock (gate)
        {
            byChannel[channel]--;
            if (destination is not null && --byDestination[destination] == 0)
            {
                byDestination.Remove(destination);
            }
        }
    }

    /// <summary>True when <paramref name="entry"/>'s channel or destination has no free slot.</summary>
    public bool IsFull(OutboxEntry entry)
    {
        var destination = Destination(entry);
        lock (gate)
        {
            return byChannel.GetValueOrDefault(entry.Action.Channel) >= perChannel
                || (destination is not null && byDestination.GetValueOrDefault(destination) >= perDestination);
        }
    }
}

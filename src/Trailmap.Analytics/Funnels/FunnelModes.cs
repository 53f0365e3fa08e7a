namespace Trailmap.Analytics.Funnels;

/// <summary>Funnel modes, named as on the command line (<c>--mode strict-order,strict-increase</c>).</summary>
[Flags]
public enum FunnelModes
{
    None = 0,

    /// <summary><c>strict-order</c>: once a step-1 event has been seen, an event that matches no step, or a step whose predecessor no chain has reached, ends the scan.</summary>
    StrictOrder = 1,

    /// <summary><c>strict-increase</c>: each step needs a strictly later timestamp than the previous step of its chain.</summary>
    StrictIncrease = 2,

    /// <summary><c>strict-dedup</c>: a repeat of a step (after step 1) that some chain has already matched ends the scan.</summary>
    StrictDedup = 4,

    /// <summary><c>strict-once</c>: one event satisfies at most one step within a chain.</summary>
    StrictOnce = 8,

    /// <summary><c>allow-reentry</c> (with strict-order): a step whose predecessor no chain has reached is skipped instead of ending the scan.</summary>
    AllowReentry = 16,

    /// <summary><c>unordered</c>: the level is the number of distinct steps seen within a window starting at any step event.</summary>
    Unordered = 32,
}

public static class FunnelModesParser
{
    private static readonly (string Name, FunnelModes Mode)[] Known =
    [
        ("strict-order", FunnelModes.StrictOrder),
        ("strict-increase", FunnelModes.StrictIncrease),
        ("strict-dedup", FunnelModes.StrictDedup),
        ("strict-once", FunnelModes.StrictOnce),
        ("allow-reentry", FunnelModes.AllowReentry),
        ("unordered", FunnelModes.Unordered),
    ];

    public static string Allowed => string.Join(", ", Known.Select(k => k.Name));

    /// <summary>Parses a comma-separated list such as <c>strict-order,strict-increase</c>; empty means the default mode.</summary>
    public static FunnelModes Parse(string? text)
    {
        var modes = FunnelModes.None;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Known.FirstOrDefault(k => k.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                throw new FormatException($"'{part}' is not a funnel mode; allowed values: {Allowed} (combine with commas)");
            }

            modes |= match.Mode;
        }

        Validate(modes);
        return modes;
    }

    public static string Format(FunnelModes modes) =>
        modes == FunnelModes.None ? "default" : string.Join(",", Known.Where(k => modes.HasFlag(k.Mode)).Select(k => k.Name));

    internal static void Validate(FunnelModes modes)
    {
        if (modes.HasFlag(FunnelModes.AllowReentry) && !modes.HasFlag(FunnelModes.StrictOrder))
        {
            throw new FormatException("allow-reentry only changes strict-order; write strict-order,allow-reentry");
        }

        if (modes.HasFlag(FunnelModes.Unordered) && modes != FunnelModes.Unordered)
        {
            throw new FormatException("unordered cannot be combined with other modes: the strict modes are about step order");
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Trailmap.Events;

/// <summary>
/// Per-phase durations and the process's peak resident set of a columnar load on stderr when TRAILMAP_LOAD_TRACE=1:
/// how to see whether the names, the customer list, the rows or a fallback sort cost the time and memory.
/// </summary>
internal static class LoadTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("TRAILMAP_LOAD_TRACE") == "1";

    private static long started = Stopwatch.GetTimestamp();

    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?[6..].Trim() ?? "?";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[load] {ms,9:F1} ms  {phase}; peak RSS {peak}, managed {GC.GetTotalMemory(false) / 1048576} MB"));
    }
}

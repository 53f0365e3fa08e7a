using System.Diagnostics;
using System.Globalization;

namespace Trailmap.Events;

/// <summary>
/// Per-phase durations and the process's peak resident set of a columnar load on stderr when TRAILMAP_LOAD_TRACE=1:
/// how to see whether the names, the customer list, the rows or a fallback sort cost the time and memory. The process's
/// CPU time per phase (every thread) is given too: it still says what a phase costs when the machine is busy.
/// </summary>
internal static class LoadTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("TRAILMAP_LOAD_TRACE") == "1";

    private static long started = Stopwatch.GetTimestamp();
    private static TimeSpan cpu = Environment.CpuUsage.TotalTime;

    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        started = Stopwatch.GetTimestamp();
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
        cpu = Environment.CpuUsage.TotalTime;
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?[6..].Trim() ?? "?";
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[load] {ms,9:F1} ms  cpu {cpuMs,9:F1} ms  {phase}; peak RSS {peak}, managed {GC.GetTotalMemory(false) / 1048576} MB"));
    }
}

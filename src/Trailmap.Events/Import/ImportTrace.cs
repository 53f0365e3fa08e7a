using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Trailmap.Events;

/// <summary>
/// Per-stage durations of an import on stderr when TRAILMAP_IMPORT_TRACE=1: the way to see which SQL
/// statement an import spends its time in without a profiler. Off, it costs one flag check per stage. Each line also
/// gives the process's CPU time in the stage (every thread, DuckDB's included): on a busy machine the wall time says
/// little, the CPU time still says what the stage costs, and CPU above wall says how well it used the cores.
/// </summary>
internal static partial class ImportTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("TRAILMAP_IMPORT_TRACE") == "1";

    /// <summary>Starts timing a stage; disposing the result prints it.</summary>
    public static Stage Start(string label) => new(Enabled ? label : null);

    /// <summary>A statement's first words, whitespace collapsed, as its label.</summary>
    public static string Label(string sql)
    {
        var flat = Whitespace().Replace(sql, " ").Trim();
        return flat.Length > 90 ? flat[..90] + "…" : flat;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    public readonly struct Stage(string? label) : IDisposable
    {
        private readonly long started = label is null ? 0 : Stopwatch.GetTimestamp();
        private readonly TimeSpan cpu = label is null ? default : Environment.CpuUsage.TotalTime;

        public void Dispose()
        {
            if (label is not null)
            {
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[import] {ms,9:F1} ms  cpu {cpuMs,9:F1} ms  {label}"));
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Numerics;

namespace Trailmap.Bench;

/// <summary>Timing and memory helpers: medians because the machine is shared and single runs are noisy.</summary>
internal static class Measure
{
    public const int Runs = 5;

    /// <summary>One untimed warm-up, then the median of <see cref="Runs"/> timed runs; returns the last result too.</summary>
    public static (TimeSpan Median, T Result) Median<T>(Func<T> action)
    {
        var result = action();
        var times = new TimeSpan[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            result = action();
            times[i] = watch.Elapsed;
        }

        Array.Sort(times);
        return (times[Runs / 2], result);
    }

    public static (TimeSpan Elapsed, T Result) Once<T>(Func<T> action)
    {
        var watch = Stopwatch.StartNew();
        var result = action();
        return (watch.Elapsed, result);
    }

    /// <summary>A field of /proc/self/status in bytes (VmHWM is the peak resident set, VmRSS the current one).</summary>
    public static long ProcStatusBytes(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }

    /// <summary>
    /// Read bandwidth in bytes/s: a vectorised sum over a 512 MB array on every core, median of 5 passes. The funnel
    /// kernel is a streaming read, so this (not a copy) is the matching ceiling.
    /// </summary>
    public static double ReadBandwidth()
    {
        const int length = 64 * 1024 * 1024;
        var data = new long[length];
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            var from = (int)((long)length * p / Environment.ProcessorCount);
            var to = (int)((long)length * (p + 1) / Environment.ProcessorCount);
            for (var i = from; i < to; i++)
            {
                data[i] = i;
            }
        });

        var (median, sum) = Median(() => ParallelSum(data));
        GC.KeepAlive(sum);
        return length * 8.0 / median.TotalSeconds;
    }

    private static long ParallelSum(long[] data)
    {
        var partial = new long[Environment.ProcessorCount];
        Parallel.For(0, Environment.ProcessorCount, p =>
        {
            var from = (int)((long)data.Length * p / Environment.ProcessorCount);
            var to = (int)((long)data.Length * (p + 1) / Environment.ProcessorCount);
            var span = data.AsSpan(from, to - from);
            var acc = Vector<long>.Zero;
            var i = 0;
            for (; i + Vector<long>.Count <= span.Length; i += Vector<long>.Count)
            {
                acc += new Vector<long>(span[i..]);
            }

            var total = Vector.Sum(acc);
            for (; i < span.Length; i++)
            {
                total += span[i];
            }

            partial[p] = total;
        });
        return partial.Sum();
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    public static string MB(long bytes) => bytes < 0 ? "n/a" : (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MB";

    public static string Ratio(double x) => double.IsFinite(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "n/a";
}

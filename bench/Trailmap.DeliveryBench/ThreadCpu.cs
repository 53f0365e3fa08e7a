using System.Globalization;

namespace Trailmap.DeliveryBench;

/// <summary>
/// CPU time of this process's threads grouped by their (Linux, 15-character) names, from /proc/self/task: shows
/// whether the outbox writer ("trailmap outbox"), the thread pool (sends, receiver, producer) or the GC is the cost.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>CPU seconds per thread name spent since <paramref name="before"/> (a <see cref="Snapshot"/>), largest first.</summary>
    public static string Since(Dictionary<string, double> before) =>
        string.Join(", ", Snapshot().Select(kv => (kv.Key, Value: kv.Value - before.GetValueOrDefault(kv.Key)))
            .Where(kv => kv.Value >= 0.05).OrderByDescending(kv => kv.Value)
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0}")));

    public static Dictionary<string, double> Snapshot()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return [];
        }

        var ticksPerSecond = 100.0; // USER_HZ, 100 on Linux
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ticksPerSecond;
                byName[name] = byName.GetValueOrDefault(name) + seconds;
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return byName;
    }
}

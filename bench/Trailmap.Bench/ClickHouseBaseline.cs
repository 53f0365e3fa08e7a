using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Trailmap.Bench;

/// <summary>What the ClickHouse comparison measured, or why it was skipped.</summary>
internal sealed record ClickHouseResult(
    string? SkipReason,
    string Version = "",
    TimeSpan Load = default,
    TimeSpan Median = default,
    long[]? Reached = null,
    long MemoryBytes = -1);

/// <summary>
/// A throwaway clickhouse-server (Debian's package) on 127.0.0.1 with a free port and a temp directory: loads the
/// events, times windowFunnel(604800) per customer counted per level, and removes everything afterwards.
/// Query times are the server's own query_duration_ms from system.query_log, so client start-up is not counted.
/// </summary>
internal sealed class ClickHouseBaseline : IDisposable
{
    private const string Server = "/usr/sbin/clickhouse-server";
    private const string Client = "/usr/bin/clickhouse-client";
    private readonly string root = Directory.CreateTempSubdirectory("trailmap-ch-").FullName;
    private readonly int port = FreePort();
    private Process? server;

    public static string FunnelSql =>
        "SELECT level, count() FROM (SELECT customer_id, windowFunnel(604800)(ts, "
        + string.Join(", ", SqlBaselines.Steps.Select(s => $"event = '{s}'"))
        + ") AS level FROM events GROUP BY customer_id) GROUP BY level ORDER BY level";

    public static ClickHouseResult Run(string tsvPath)
    {
        if (!File.Exists(Server) || !File.Exists(Client))
        {
            return new ClickHouseResult($"{Server} or {Client} is missing (run.sh installs Debian's clickhouse-server when apt can)");
        }

        using var ch = new ClickHouseBaseline();
        try
        {
            ch.Start();
            var version = ch.Query("SELECT version()").Trim();
            var probe = ch.TryQuery("SELECT windowFunnel(10)(toDateTime(0), 1 = 1, 1 = 1)", out var error);
            if (probe is null)
            {
                return new ClickHouseResult($"ClickHouse {version} has no usable windowFunnel: {error}", version);
            }

            ch.Query("CREATE TABLE events (customer_id String, event String, ts DateTime, seq UInt64) ENGINE = MergeTree ORDER BY (customer_id, ts, seq)");
            var load = Stopwatch.StartNew();
            ch.Query("INSERT INTO events FORMAT TabSeparated", stdinFile: tsvPath);
            ch.Query("OPTIMIZE TABLE events FINAL");
            load.Stop();

            var times = new List<(long Ms, long Memory)>();
            long[]? reached = null;
            for (var run = 0; run <= Measure.Runs; run++)
            {
                var id = $"trailmap-funnel-{run}-{Guid.NewGuid():N}";
                reached = ToReached(ch.Query(FunnelSql, queryId: id));
                if (run > 0)
                {
                    times.Add(ch.QueryStats(id));
                }
            }

            var ordered = times.OrderBy(t => t.Ms).ToList();
            return new ClickHouseResult(
                null,
                version,
                load.Elapsed,
                TimeSpan.FromMilliseconds(ordered[ordered.Count / 2].Ms),
                reached,
                times.Max(t => t.Memory));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            return new ClickHouseResult("ClickHouse failed: " + e.Message);
        }
    }

    public void Dispose()
    {
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }

        server?.Dispose();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying server: the temp directory is left for the OS to clean.
        }
    }

    private static long[] ToReached(string levels)
    {
        var reached = new long[SqlBaselines.Steps.Length];
        foreach (var line in levels.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            var level = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var count = long.Parse(parts[1], CultureInfo.InvariantCulture);
            for (var k = 0; k < level; k++)
            {
                reached[k] += count;
            }
        }

        return reached;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Start()
    {
        var config = Path.Combine(root, "config.xml");
        File.WriteAllText(config, $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><log>{root}/server.log</log><errorlog>{root}/server.err.log</errorlog><console>0</console></logger>
              <listen_host>127.0.0.1</listen_host>
              <tcp_port>{port}</tcp_port>
              <http_port>{FreePort()}</http_port>
              <path>{root}/data/</path>
              <tmp_path>{root}/tmp/</tmp_path>
              <user_files_path>{root}/user_files/</user_files_path>
              <format_schema_path>{root}/format_schemas/</format_schema_path>
              <users_config>/etc/clickhouse-server/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <timezone>UTC</timezone>
              <mark_cache_size>536870912</mark_cache_size>
              <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
            </yandex>
            """);
        server = Process.Start(new ProcessStartInfo(Server, ["--config-file=" + config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        }) ?? throw new InvalidOperationException("could not start clickhouse-server");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (server.HasExited)
            {
                var log = Path.Combine(root, "server.err.log");
                throw new InvalidOperationException("clickhouse-server exited: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
            }

            if (TryQuery("SELECT 1", out _) is not null)
            {
                return;
            }

            Thread.Sleep(500);
        }

        throw new InvalidOperationException("clickhouse-server did not answer within 30 s");
    }

    private (long Ms, long Memory) QueryStats(string queryId)
    {
        Query("SYSTEM FLUSH LOGS");
        var row = Query($"SELECT query_duration_ms, memory_usage FROM system.query_log WHERE query_id = '{queryId}' AND type = 2").Trim().Split('\t');
        return (long.Parse(row[0], CultureInfo.InvariantCulture), long.Parse(row[1], CultureInfo.InvariantCulture));
    }

    private string Query(string sql, string? queryId = null, string? stdinFile = null) =>
        TryQuery(sql, out var error, queryId, stdinFile) ?? throw new InvalidOperationException(error);

    private string? TryQuery(string sql, out string error, string? queryId = null, string? stdinFile = null)
    {
        var args = new List<string> { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--query", sql };
        if (queryId is not null)
        {
            args.AddRange(["--query_id", queryId, "--log_queries", "1"]);
        }

        using var client = new Process
        {
            StartInfo = new ProcessStartInfo(Client, args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdinFile is not null,
            },
        };
        var stderr = new System.Text.StringBuilder();
        client.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);
        client.Start();
        client.BeginErrorReadLine();
        if (stdinFile is not null)
        {
            // An INSERT prints nothing, so feeding stdin before reading stdout cannot deadlock.
            using (var input = File.OpenRead(stdinFile))
            {
                input.CopyTo(client.StandardInput.BaseStream);
            }

            client.StandardInput.Close();
        }

        var output = client.StandardOutput.ReadToEnd();
        client.WaitForExit();
        error = stderr.ToString().Trim();
        return client.ExitCode == 0 ? output : null;
    }
}

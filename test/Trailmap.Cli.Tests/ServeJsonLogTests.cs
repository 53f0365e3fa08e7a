using System.Diagnostics;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace Trailmap.Cli.Tests;

/// <summary><c>trailmap serve --log-format json</c> writes one JSON object per line, as a log shipper reads it.</summary>
public sealed class ServeJsonLogTests
{
    [Fact]
    public async Task Serve_with_json_logs_writes_each_message_as_one_json_object_per_line()
    {
        var folder = Directory.CreateTempSubdirectory("trailmap-jsonlog-");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "trailmap.dll"), "serve", "--log-format", "json", "--urls", "http://127.0.0.1:0", "--db", Path.Combine(folder.FullName, "w.duckdb") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        try
        {
            // The first log line the server writes (its start-up) is enough: it must be a JSON object with the fields.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.TrimStart().StartsWith('{'))
                {
                    lines.Add(line);
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            folder.Delete(recursive: true);
        }

        lines.ShouldNotBeEmpty("no JSON log line on stdout");
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        root.GetProperty("LogLevel").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("Category").GetString()!.ShouldStartWith("Trailmap");
        root.GetProperty("Message").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("Timestamp").GetString()!.ShouldEndWith("Z");
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Trailmap.Web.Tests.Ingestion;

/// <summary>
/// A real <c>trailmap serve</c> child process on a free loopback port, run from the CLI built next to the tests.
/// DuckDB locks its file per process, so nothing in the test process may hold the store open while it runs.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServeProcess(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>trailmap serve</c>; <paramref name="listen"/> is the host it binds (0.0.0.0 makes it reachable beyond
    /// loopback; the tests still talk to it on 127.0.0.1), <paramref name="environment"/> adds variables such as HOME,
    /// <paramref name="arguments"/> more options (such as <c>--state</c>).
    /// </summary>
    public static async Task<ServeProcess> StartAsync(
        string db, CancellationToken cancel, string listen = "127.0.0.1", IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? arguments = null) =>
        await StartAsync(["--db", db, .. arguments ?? []], cancel, listen, environment);

    /// <summary>Starts <c>trailmap serve</c> with <paramref name="stores"/> naming where it keeps things (--db, --workspace, --state).</summary>
    public static async Task<ServeProcess> StartAsync(IReadOnlyList<string> stores, CancellationToken cancel, string listen = "127.0.0.1", IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = "http://127.0.0.1:" + port;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = [Path.Combine(AppContext.BaseDirectory, "trailmap.dll"), "serve", .. stores, "--urls", "http://" + listen + ":" + port];
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var serve = new ServeProcess(Process.Start(start)!, url);
        serve.process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        serve.process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        serve.process.BeginOutputReadLine();
        serve.process.BeginErrorReadLine();

        // Ready when it answers HTTP; give a cold start on a busy 2-core machine plenty of time.
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (serve.process.HasExited)
            {
                throw new InvalidOperationException($"trailmap serve exited with {serve.process.ExitCode}: {serve.Output}");
            }

            try
            {
                var response = await probe.GetAsync(url + "/v1/status", cancel);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return serve;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
            {
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                serve.process.Kill();
                throw new TimeoutException("trailmap serve did not answer within 90 s: " + serve.Output);
            }

            await Task.Delay(100, cancel);
        }
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, like a power cut for the process (the kernel keeps what it wrote).</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a clean stop (the pump imports what is left) within the timeout, else SIGKILL.</summary>
    public async Task StopAsync(CancellationToken cancel)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancel);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            await KillAsync();
            throw new TimeoutException("trailmap serve did not stop within 60 s of SIGTERM: " + Output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

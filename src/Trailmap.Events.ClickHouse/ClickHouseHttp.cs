using System.Text;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;

namespace Trailmap.Events.ClickHouse;

/// <summary>
/// One ClickHouse server's HTTP interface through ClickHouse.Driver, with the synchronous calls the store needs.
/// Results are read as TabSeparated text and inserts sent as JSONEachRow: the driver's own typed reader asks for
/// RowBinaryWithNamesAndTypes and JSON settings that ClickHouse 18.16 does not know, the raw calls work on every
/// release (docs/clickhouse.md).
/// </summary>
internal sealed class ClickHouseHttp : IDisposable
{
    private readonly ClickHouseClient client;

    public ClickHouseHttp(string host, int port, ClickHouseAddress address)
    {
        Endpoint = $"{host}:{port}";
        client = new ClickHouseClient(new ClickHouseClientSettings
        {
            Host = host,
            Port = (ushort)port,
            Protocol = "http",
            Username = address.User,
            Password = address.Password,
            // Send no JSON-type settings: servers before the JSON type (24.x) reject them as unknown.
            JsonReadMode = JsonReadMode.None,
            JsonWriteMode = JsonWriteMode.None,
            // An analysis over billions of rows runs inside ClickHouse for minutes; the driver's default (2 minutes)
            // cut off a 100M-event funnel on the 2-shard test cluster. One hour bounds a query that never returns.
            Timeout = QueryTimeout,
        });
    }

    /// <summary>How long one query may take before Trailmap gives up on it (docs/clickhouse.md).</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromHours(1);

    /// <summary>host:port of this server's HTTP interface.</summary>
    public string Endpoint { get; }

    /// <summary>Runs a statement that returns nothing (DDL).</summary>
    public void Execute(string sql) => Run(async () =>
    {
        using var result = await client.ExecuteRawResultAsync(sql).ConfigureAwait(false);
        await result.ReadAsStringAsync().ConfigureAwait(false);
        return 0;
    });

    /// <summary>The rows of a SELECT, each field unescaped; the query must not name a FORMAT (TabSeparated is added).</summary>
    public IEnumerable<string[]> Query(string sql)
    {
        var stream = Run(async () =>
        {
            var result = await client.ExecuteRawResultAsync(sql + " FORMAT TabSeparated").ConfigureAwait(false);
            return (result, await result.ReadDecompressedStreamAsync().ConfigureAwait(false));
        });
        using (stream.result)
        using (var reader = new StreamReader(stream.Item2, Encoding.UTF8))
        {
            while (reader.ReadLine() is { } line)
            {
                var fields = line.Split('\t');
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = ClickHouseSql.Unescape(fields[i]);
                }

                yield return fields;
            }
        }
    }

    /// <summary>The single value of a one-row, one-column SELECT (null when there is no row).</summary>
    public string? Scalar(string sql) => Query(sql).FirstOrDefault()?[0];

    /// <summary>
    /// Inserts JSONEachRow text into <paramref name="table"/>, waiting until every shard has written it
    /// (insert_distributed_sync), so what is acknowledged is stored and visible.
    /// </summary>
    public void InsertJson(string table, string jsonLines) => Run(async () =>
    {
        var options = new QueryOptions { CustomSettings = new Dictionary<string, object> { ["insert_distributed_sync"] = 1 } };
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(jsonLines));
        using var response = await client.InsertRawStreamAsync(table, stream, "JSONEachRow", options: options).ConfigureAwait(false);
        return 0;
    });

    public void Dispose() => client.Dispose();

    // IEventStore is synchronous (the DuckDB engine is in-process); the CLI and the web host call it from threads
    // without a synchronization context, so blocking on the driver's tasks cannot deadlock.
#pragma warning disable VSTHRD002
    private T Run<T>(Func<Task<T>> call)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (ClickHouseServerException e)
        {
            throw new ClickHouseStoreException($"ClickHouse at {Endpoint} refused a query: {FirstLine(e.Message)}", e);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseStoreException($"cannot reach ClickHouse at {Endpoint} ({FirstLine(e.Message)}); is the server running and is that its HTTP port?", e);
        }
        catch (TaskCanceledException e)
        {
            // No call here takes a cancellation token, so a cancelled request is the client's timeout.
            throw new ClickHouseStoreException($"ClickHouse at {Endpoint} did not answer a query within {QueryTimeout.TotalMinutes:0} minutes; see system.processes on the server", e);
        }
    }
#pragma warning restore VSTHRD002

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}

/// <summary>A ClickHouse store that cannot be reached or refused a statement; the message says which server and why.</summary>
public sealed class ClickHouseStoreException : Exception
{
    public ClickHouseStoreException()
    {
    }

    public ClickHouseStoreException(string message)
        : base(message)
    {
    }

    public ClickHouseStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

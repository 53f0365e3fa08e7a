using System.Diagnostics;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Reports rows and rows/s every 250 ms while an import runs. During a long DuckDB statement the row count
/// comes from DuckDB's own query progress; while C# reads JSON lines it comes from the reader.
/// </summary>
internal sealed class ProgressTicker : IDisposable
{
    private readonly IProgress<ImportProgress>? progress;
    private readonly DuckDBConnection connection;
    private readonly int fileCount;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Timer? timer;
    private string file = "";
    private int fileIndex;
    private long doneRows;
    private long currentRows;
    private volatile bool inQuery;

    public ProgressTicker(IProgress<ImportProgress>? progress, DuckDBConnection connection, int fileCount)
    {
        this.progress = progress;
        this.connection = connection;
        this.fileCount = fileCount;
        if (progress is not null)
        {
            timer = new Timer(_ => Tick(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
    }

    public void StartFile(string name, int index)
    {
        file = name;
        fileIndex = index;
        Interlocked.Exchange(ref currentRows, 0);
    }

    public void SetRows(long rows) => Interlocked.Exchange(ref currentRows, rows);

    public void FinishFile(long rows)
    {
        Interlocked.Add(ref doneRows, rows);
        Interlocked.Exchange(ref currentRows, 0);
        Tick();
    }

    /// <summary>Marks a DuckDB statement as running so ticks read its progress.</summary>
    public IDisposable Query()
    {
        inQuery = true;
        return new EndQuery(this);
    }

    public void Dispose() => timer?.Dispose();

    private void Tick()
    {
        if (progress is null)
        {
            return;
        }

        var rows = Interlocked.Read(ref currentRows);
        if (inQuery)
        {
            try
            {
                var p = connection.GetQueryProgress();
                rows = Math.Max(rows, (long)p.RowsProcessed);
            }
            catch (InvalidOperationException)
            {
                // The statement finished between the check and the call: keep the last count.
            }
        }

        var total = Interlocked.Read(ref doneRows) + rows;
        var elapsed = clock.Elapsed;
        progress.Report(new ImportProgress(file, fileIndex, fileCount, total,
            elapsed.TotalSeconds > 0 ? total / elapsed.TotalSeconds : 0, elapsed));
    }

    private sealed class EndQuery(ProgressTicker owner) : IDisposable
    {
        public void Dispose() => owner.inQuery = false;
    }
}

using System.Globalization;
using System.Text;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Imports CSV, JSON Lines (plain or Segment) and Parquet files into an <see cref="EventStore"/> in one
/// transaction: either every file lands or nothing does. DuckDB reads and parses the rows set-based; C#
/// only sniffs headers, reads JSON lines and, when there are rejects, finds their line numbers.
/// </summary>
public static class EventImporter
{
    public static ImportSummary Import(
        EventStore store,
        IReadOnlyList<string> files,
        ImportOptions? options = null,
        IProgress<ImportProgress>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        options ??= new ImportOptions();
        if (files.Count == 0 && options.TraitsFile is null)
        {
            throw new ImportException("No input files given.");
        }

        // Every file is checked before the store is touched, so a typo in the last name costs nothing.
        var formats = files.Select(f => InputSniffer.Resolve(f, options.Format)).ToList();
        if (options.TraitsFile is not null)
        {
            InputSniffer.Resolve(options.TraitsFile, ImportFormat.Csv);
        }

        return new ImportRun(store, options, progress, cancel).Run(files, formats);
    }

    private sealed class ImportRun(EventStore store, ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancel)
    {
        private readonly DuckDBConnection connection = store.Connection;
        private readonly List<RejectedRow> rejects = [];
        private readonly List<(string File, long Line, string Reason, string Raw)> rejectLines = [];
        private ProgressTicker ticker = null!;
        private DuckDBCommand? running;
        private long linksAdded;

        public ImportSummary Run(IReadOnlyList<string> files, IReadOnlyList<ImportFormat> formats)
        {
            using var total = ImportTrace.Start("whole import");
            long rows = 0, imported = 0, duplicates = 0, traits = 0;
            var startedAt = store.Time.GetUtcNow().UtcDateTime;
            using var registration = cancel.Register(() => running?.Cancel());
            using (ticker = new ProgressTicker(progress, connection, files.Count))
            {
                Exec("SET enable_progress_bar = true");
                Exec("SET enable_progress_bar_print = false");

                // tm_rows relies on it: a staged row's rowid + 1 is its index in the file.
                Exec("SET preserve_insertion_order = true");
                try
                {
                    // A single CSV or Parquet file is staged before the transaction opens: the staging touches only
                    // this connection's temp tables, and DuckDB scans a committed temp table about twice as fast as
                    // one created inside the open transaction, which made the insert half of an import's time.
                    StagedTable? first = null;
                    if (files.Count == 1 && formats[0] != ImportFormat.Jsonl)
                    {
                        ticker.StartFile(files[0], 0);
                        first = StageTable(files[0], formats[0]);
                    }

                    using var tx = connection.BeginTransaction();
                    var seqBase = Scalar("SELECT coalesce(max(seq), 0) FROM events");
                    var importId = Scalar("SELECT coalesce(max(id), 0) FROM imports");
                    for (var i = 0; i < files.Count; i++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        importId++;
                        var before = first is not null ? 0 : rejects.Count;
                        if (first is null)
                        {
                            ticker.StartFile(files[i], i);
                        }

                        var result = formats[i] switch
                        {
                            ImportFormat.Jsonl => ImportJsonl(files[i], seqBase, importId, startedAt),
                            _ => InsertTable(first ?? StageTable(files[i], formats[i]), seqBase, importId),
                        };
                        first = null;
                        var fileRejects = rejects.Count - before;
                        Exec(
                            "INSERT INTO imports VALUES ($id, $file, $format, $started, $rows, $imported, $duplicates, $rejected)",
                            P("id", importId), P("file", Path.GetFullPath(files[i])), P("format", InputSniffer.Name(formats[i])),
                            P("started", startedAt), P("rows", result.Rows), P("imported", result.Imported),
                            P("duplicates", result.Duplicates), P("rejected", (long)fileRejects));
                        rows += result.Rows;
                        imported += result.Imported;
                        duplicates += result.Duplicates;
                        traits += result.Traits;
                        seqBase += result.Rows + 1;
                        ticker.FinishFile(result.Rows);
                    }

                    if (options.TraitsFile is not null)
                    {
                        traits += ImportTraitsCsv(options.TraitsFile, startedAt);
                    }

                    if (linksAdded > 0)
                    {
                        Identities.Rebuild(store);
                    }

                    cancel.ThrowIfCancellationRequested();
                    tx.Commit();
                }
                catch (Exception ex) when (cancel.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    // DuckDB reports an interrupted statement as its own error; callers expect cancellation.
                    throw new OperationCanceledException("The import was cancelled; the store is unchanged.", ex, cancel);
                }
                catch (DuckDBException ex) when (ex.Message.StartsWith("Out of Memory Error", StringComparison.Ordinal))
                {
                    // DuckDB's own advice names SET statements a user cannot reach; the limit comes from the environment.
                    throw new ImportException(
                        $"The import failed and was rolled back; the store is unchanged. DuckDB needed more memory than {DuckDbMemory.Variable} allows ({DuckDbMemory.Limit}) and could not spill the rest to disk; raise it (for example {DuckDbMemory.Variable}=8GB) and import again.",
                        ex);
                }
                catch (DuckDBException ex)
                {
                    throw new ImportException("The import failed and was rolled back; the store is unchanged. " + ex.Message, ex);
                }
                finally
                {
                    DropStaging();
                }
            }

            var warnings = new List<string>();
            var written = WriteRejects(warnings);
            return new ImportSummary(rows, imported, duplicates, rejects.Count, rejects, traits, written, warnings);
        }

        /// <summary>A file's rows staged in tm_rows, its rejects recorded, its repeated ids in tm_dups.</summary>
        private sealed record StagedTable(long Staged, long RowBase, long ReaderRejects, long Invalid, bool HasDuplicates);

        /// <summary>Reads a CSV or Parquet file into tm_rows and finds what it rejects and repeats; writes nothing to the store.</summary>
        private StagedTable StageTable(string file, ImportFormat format)
        {
            string source;
            var parameters = new List<DuckDBParameter> { P("file", file) };
            if (format == ImportFormat.Csv)
            {
                var header = CsvHeader.Read(file);
                var roles = ColumnRoles.Detect(file, header, options);
                CheckGroupColumn(file, header, roles);
                var columns = "{" + string.Join(", ", header.Select(h => SqlText.Literal(h) + ": 'VARCHAR'")) + "}";
                Exec("DROP TABLE IF EXISTS tm_rejects");
                Exec("DROP TABLE IF EXISTS tm_scans");
                source = Select(roles, header, parameters) + $"""
                     FROM read_csv($file, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
                        strict_mode = true, store_rejects = true, rejects_table = 'tm_rejects', rejects_scan = 'tm_scans',
                        columns = {columns})
                    """;
            }
            else
            {
                var header = ParquetColumns(file);
                var roles = ColumnRoles.Detect(file, header, options);
                CheckGroupColumn(file, header, roles);
                source = Select(roles, header, parameters) + " FROM read_parquet($file)";
            }

            using (ticker.Query())
            {
                Exec(EventSql.TypedRows(source), [.. parameters]);
            }

            var (staged, rowBase) = StagedRows();
            ticker.SetRows(staged);
            var readerRejects = format == ImportFormat.Csv ? CsvReaderRejects() : [];
            var invalid = ValidationRejects(rowBase);
            if (readerRejects.Count > 0 || invalid.Count > 0)
            {
                if (format == ImportFormat.Csv)
                {
                    LocateCsvRejects(file, readerRejects, invalid);
                }
                else
                {
                    foreach (var (rn, reason) in invalid)
                    {
                        AddReject(file, rn, reason, "");
                    }
                }
            }

            return new StagedTable(staged, rowBase, readerRejects.Count, invalid.Count, StageDuplicates());
        }

        /// <summary>Inserts a staged file's new rows, inside the import's transaction.</summary>
        private FileResult InsertTable(StagedTable table, long seqBase, long importId)
        {
            var inserted = Insert(seqBase, importId, table.RowBase, table.HasDuplicates);
            if (options.GroupColumn is { } group)
            {
                GroupImport.AddColumn(store, group);
            }

            var valid = table.Staged - table.Invalid;
            Exec("DROP TABLE tm_rows");
            return new FileResult(table.Staged + table.ReaderRejects, inserted, valid - inserted, 0);
        }

        /// <summary>Drops what staging left behind when an import stops early: temp tables outlive a rolled-back transaction.</summary>
        private void DropStaging()
        {
            try
            {
                Exec("DROP TABLE IF EXISTS tm_rows");
                Exec("DROP TABLE IF EXISTS tm_dups");
                Exec("DROP TABLE IF EXISTS tm_repeated");
                Exec("DROP TABLE IF EXISTS tm_known");
            }
            catch (DuckDBException)
            {
                // A connection that failed this way is closed by its owner; nothing to keep tidy then.
            }
        }

        /// <summary>The --group column must be a column of the file, and not one that holds the customer, event, time or id.</summary>
        private void CheckGroupColumn(string file, IReadOnlyList<string> header, ColumnRoles roles)
        {
            if (options.GroupColumn is not { } group)
            {
                return;
            }

            if (!header.Contains(group, StringComparer.Ordinal))
            {
                throw new ImportException($"{file}: --group names the column \"{group}\", which the file does not have. Columns found: {string.Join(", ", header)}.");
            }

            if (group == roles.Customer || group == roles.Event || group == roles.Timestamp || group == roles.MessageId)
            {
                throw new ImportException($"{file}: --group names the column \"{group}\", which already holds the customer, event, timestamp or message id; name the column that holds the account.");
            }
        }

        private string Select(ColumnRoles roles, IReadOnlyList<string> header, List<DuckDBParameter> parameters)
        {
            string eventExpr;
            if (options.ConstantEvent is not null)
            {
                parameters.Add(P("event", options.ConstantEvent));
                eventExpr = "$event";
            }
            else
            {
                eventExpr = Text(roles.Event!);
            }

            var rest = header.Where(h => h != roles.Customer && h != roles.Event && h != roles.Timestamp && h != roles.MessageId).ToList();
            var properties = rest.Count == 0
                ? "CAST('{}' AS JSON)"
                : EventSql.WithoutNulls("json_object(" + string.Join(", ", rest.Select(h => SqlText.Literal(h) + ", " + EventSql.JsonValue(Text(h)))) + ")");
            return $"SELECT CAST(NULL AS BIGINT) AS line, {Text(roles.Customer)} AS customer_id, "
                + $"{eventExpr} AS event, {Text(roles.Timestamp)} AS ts_raw, "
                + (roles.MessageId is null ? "CAST(NULL AS VARCHAR)" : Text(roles.MessageId)) + " AS message_id, "
                + $"{properties} AS properties";

            static string Text(string column) => "CAST(" + SqlText.Identifier(column) + " AS VARCHAR)";
        }

        private List<string> ParquetColumns(string file)
        {
            try
            {
                using var command = Command("SELECT * FROM read_parquet($file) LIMIT 0", P("file", file));
                using var reader = command.ExecuteReader();
                return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            }
            catch (DuckDBException ex)
            {
                throw new ImportException($"{file}: not a readable Parquet file: {ex.Message}", ex);
            }
        }

        private FileResult ImportJsonl(string file, long seqBase, long importId, DateTime now)
        {
            var reader = new SegmentReader(file, options);
            Exec("CREATE OR REPLACE TABLE tm_json_stage (rn BIGINT, line BIGINT, customer_id VARCHAR, event VARCHAR, ts_raw VARCHAR, message_id VARCHAR, properties VARCHAR)");
            long rn = 0;
            using (var appender = connection.CreateAppender("tm_json_stage"))
            {
                foreach (var e in reader.Read(cancel))
                {
                    rn++;
                    appender.CreateRow()
                        .AppendValue(rn).AppendValue(e.Line).AppendValue(e.CustomerId).AppendValue(e.Event)
                        .AppendValue(e.Timestamp).AppendValue(e.MessageId).AppendValue(e.Properties)
                        .EndRow();
                    if ((rn & 0x3FF) == 0)
                    {
                        ticker.SetRows(rn);
                    }
                }
            }

            foreach (var r in reader.Rejects)
            {
                AddReject(r.File, r.Line, r.Reason, "");
            }

            Exec(EventSql.TypedRows(
                "SELECT line, customer_id, event, ts_raw, message_id, CAST(properties AS JSON) AS properties FROM tm_json_stage"));
            var (_, rowBase) = StagedRows();
            var invalid = ValidationRejects(rowBase, byLine: true);
            foreach (var (line, reason) in invalid)
            {
                AddReject(file, line, reason, "");
            }

            var inserted = Insert(seqBase, importId, rowBase);
            if (options.GroupColumn is { } group)
            {
                GroupImport.AddColumn(store, group);
            }

            Exec("DROP TABLE tm_rows");
            Exec("DROP TABLE tm_json_stage");
            var traits = UpsertTraits(reader.Traits.Select(kv => (kv.Key, kv.Value.ToJsonString())), now);
            GroupImport.AddMessages(store, reader.Memberships, reader.GroupTraits.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString(), StringComparer.Ordinal), now);
            var (links, linkRejects) = IdentityImport.Add(store, reader.Links);
            linksAdded += links;
            foreach (var (line, reason) in linkRejects)
            {
                AddReject(file, line, reason, "");
            }

            var valid = rn - invalid.Count;
            return new FileResult(reader.Messages + reader.Rejects.Count(r => r.Reason.StartsWith("line", StringComparison.Ordinal) || r.Reason.StartsWith("invalid", StringComparison.Ordinal) || r.Reason.StartsWith("expected", StringComparison.Ordinal)),
                inserted, valid - inserted, traits);
        }

        private long ImportTraitsCsv(string file, DateTime now)
        {
            var header = CsvHeader.Read(file);
            var customer = ColumnRoles.CustomerNames
                .Select(c => header.FirstOrDefault(h => string.Equals(h, c, StringComparison.OrdinalIgnoreCase)))
                .FirstOrDefault(h => h is not null)
                ?? throw new ImportException(
                    $"{file}: a traits file needs a customer id column (one of {string.Join(", ", ColumnRoles.CustomerNames)}). Columns found: {string.Join(", ", header)}.");
            var rest = header.Where(h => h != customer).ToList();
            var columns = "{" + string.Join(", ", header.Select(h => SqlText.Literal(h) + ": 'VARCHAR'")) + "}";
            var traits = rest.Count == 0
                ? "CAST('{}' AS JSON)"
                : "json_object(" + string.Join(", ", rest.Select(h => SqlText.Literal(h) + ", " + EventSql.JsonValue(SqlText.Identifier(h)))) + ")";
            Exec("CREATE OR REPLACE TABLE tm_traits_stage (customer_id VARCHAR, traits VARCHAR)");
            Exec($"""
                INSERT INTO tm_traits_stage
                SELECT {SqlText.Identifier(customer)}, CAST({traits} AS VARCHAR)
                FROM read_csv($file, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"', columns = {columns})
                WHERE {SqlText.Identifier(customer)} IS NOT NULL
                """, P("file", file));
            return MergeTraitsStage(now);
        }

        private long UpsertTraits(IEnumerable<(string Customer, string Traits)> traits, DateTime now)
        {
            Exec("CREATE OR REPLACE TABLE tm_traits_stage (customer_id VARCHAR, traits VARCHAR)");
            using (var appender = connection.CreateAppender("tm_traits_stage"))
            {
                foreach (var (customer, json) in traits)
                {
                    appender.CreateRow().AppendValue(customer).AppendValue(json).EndRow();
                }
            }

            return MergeTraitsStage(now);
        }

        /// <summary>Later traits override earlier ones key by key (JSON merge patch), as Segment identify does.</summary>
        private long MergeTraitsStage(DateTime now)
        {
            var count = Exec("""
                INSERT INTO customers
                SELECT customer_id, CAST(traits AS JSON), $now FROM tm_traits_stage
                QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY rowid DESC) = 1
                ON CONFLICT (customer_id) DO UPDATE
                    SET traits = json_merge_patch(customers.traits, excluded.traits), updated_at = excluded.updated_at
                """, P("now", now));
            Exec("DROP TABLE tm_traits_stage");
            return count;
        }

        /// <summary>
        /// Writes tm_dups, the staged file's repeated message ids; whether there are any. The hashes of the valid
        /// rows' ids are compared here first (<see cref="RepeatedHashes"/>); only ids whose hash repeats are grouped
        /// by their text, in SQL, so a file without repeats costs one read of its hashes.
        /// </summary>
        private bool StageDuplicates()
        {
            ulong[] repeated;
            using (ImportTrace.Start("duplicate check: message id hashes"))
            {
                var hashes = new ulong[Math.Max(1, Scalar("SELECT count(*) FROM tm_rows"))];
                var count = 0;
                using (var command = Command($"SELECT hash(r.mid) FROM tm_rows r WHERE {EventSql.Valid}"))
                {
                    command.UseStreamingMode = true;
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        hashes[count++] = reader.GetFieldValue<ulong>(0);
                    }
                }

                repeated = RepeatedHashes.Find(hashes, count);
            }

            Exec("CREATE OR REPLACE TEMP TABLE tm_repeated (h UBIGINT)");
            using (var appender = connection.CreateAppender("tm_repeated"))
            {
                foreach (var h in repeated)
                {
                    appender.CreateRow().AppendValue(h).EndRow();
                }
            }

            Exec(EventSql.Duplicates);
            Exec("DROP TABLE tm_repeated");
            return Scalar("SELECT count(*) FROM tm_dups") > 0;
        }

        private long Insert(long seqBase, long importId, long rowBase, bool? fileHasDuplicates = null)
        {
            fileHasDuplicates ??= StageDuplicates();
            var storeHasEvents = Scalar("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)") > 0;
            if (storeHasEvents)
            {
                Exec(EventSql.Known);
            }

            long inserted;
            using (ticker.Query())
            {
                inserted = Exec(EventSql.InsertNew(fileHasDuplicates.Value, storeHasEvents),
                    P("seq_base", seqBase), P("import_id", importId), P("row_base", rowBase));
            }

            Exec("DROP TABLE tm_dups");
            if (storeHasEvents)
            {
                Exec("DROP TABLE tm_known");
            }

            return inserted;
        }

        private List<(long LineBytePosition, string Reason, string Raw)> CsvReaderRejects()
        {
            var result = new List<(long, string, string)>();
            using var command = Command("""
                SELECT line_byte_position, error_type, error_message, csv_line
                FROM tm_rejects ORDER BY line_byte_position
                """);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var type = reader.GetString(1);
                var message = reader.GetString(2);
                var reason = type switch
                {
                    "INVALID ENCODING" => "invalid UTF-8 (the file must be UTF-8 encoded)",
                    "UNQUOTED VALUE" => "unterminated quoted field",
                    "LINE SIZE OVER MAXIMUM" => "line too long: " + message,
                    "MISSING COLUMNS" or "TOO MANY COLUMNS" => "wrong field count: " + message,
                    _ => type.ToLowerInvariant() + ": " + message,
                };
                result.Add((Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reason, reader.IsDBNull(3) ? "" : reader.GetString(3)));
            }

            return result;
        }

        /// <summary>
        /// The staged row count and the rowid of the first staged row (rn = rowid - base + 1). Checks that the
        /// rowids are consecutive, the property the row numbering rests on, instead of trusting it silently.
        /// </summary>
        private (long Count, long RowBase) StagedRows()
        {
            using var command = Command("SELECT count(*), coalesce(min(rowid), 0), coalesce(max(rowid), -1) FROM tm_rows");
            using var reader = command.ExecuteReader();
            reader.Read();
            var (count, min, max) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (max - min + 1 != count)
            {
                throw new InvalidOperationException(
                    $"Staged rows are not numbered consecutively ({count} rows, rowids {min}..{max}); line numbers would be wrong.");
            }

            return (count, min);
        }

        private List<(long Rn, string Reason)> ValidationRejects(long rowBase, bool byLine = false)
        {
            var result = new List<(long, string)>();
            using var command = Command(
                $"SELECT {(byLine ? "r.line" : "r.rowid - $row_base + 1")}, {EventSql.Reason} FROM tm_rows r WHERE NOT {EventSql.Valid} ORDER BY r.rowid",
                byLine ? [] : [P("row_base", rowBase)]);
            using var stage = ImportTrace.Start("validation rejects");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            return result;
        }

        /// <summary>
        /// DuckDB names a bad record by its 1-based byte position; a staged row by its index among the records
        /// DuckDB accepted. One quote-aware scan turns both into the line where the record starts.
        /// </summary>
        private void LocateCsvRejects(
            string file,
            List<(long LineBytePosition, string Reason, string Raw)> readerRejects,
            List<(long Rn, string Reason)> invalid)
        {
            CsvRecordScanner scan;
            using (ImportTrace.Start("locate rejects: quote-aware scan of " + Path.GetFileName(file)))
            {
                scan = CsvRecordScanner.Scan(file);
            }

            var skipped = new SortedSet<int>();
            var located = new List<(long Line, string Reason, string Raw)>();
            foreach (var (position, reason, _) in readerRejects)
            {
                var record = scan.RecordAt(position - 1);
                if (skipped.Add(record))
                {
                    located.Add((scan.LineOf(record), reason, scan.Raw(record)));
                }
            }

            var next = 0;
            var accepted = 0L;
            for (var r = 1; r < scan.Count && next < invalid.Count; r++)
            {
                if (skipped.Contains(r))
                {
                    continue;
                }

                accepted++;
                if (accepted == invalid[next].Rn)
                {
                    located.Add((scan.LineOf(r), invalid[next].Reason, scan.Raw(r)));
                    next++;
                }

            }

            foreach (var (line, reason, raw) in located.OrderBy(l => l.Line))
            {
                AddReject(file, line, reason, raw);
            }
        }

        private void AddReject(string file, long line, string reason, string raw)
        {
            rejects.Add(new RejectedRow(file, line, reason));
            rejectLines.Add((file, line, reason, raw));
        }

        private List<string> WriteRejects(List<string> warnings)
        {
            var written = new List<string>();
            foreach (var group in rejectLines.GroupBy(r => options.RejectsPath ?? r.File + ".rejects.csv"))
            {
                try
                {
                    var text = new StringBuilder("file,line,reason,raw\n");
                    foreach (var r in group)
                    {
                        text.Append(Csv(r.File)).Append(',').Append(r.Line.ToString(CultureInfo.InvariantCulture)).Append(',')
                            .Append(Csv(r.Reason)).Append(',').Append(Csv(r.Raw)).Append('\n');
                    }

                    File.WriteAllText(group.Key, text.ToString());
                    written.Add(group.Key);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    warnings.Add($"Could not write the rejects file {group.Key}: {ex.Message}. Pass a writable --rejects path.");
                }
            }

            return written;

            static string Csv(string value) =>
                value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
        }

        private DuckDBCommand Command(string sql, params DuckDBParameter[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var p in parameters)
            {
                command.Parameters.Add(p);
            }

            return command;
        }

        private long Exec(string sql, params DuckDBParameter[] parameters)
        {
            cancel.ThrowIfCancellationRequested();
            using var command = Command(sql, parameters);
            using var stage = ImportTrace.Start(ImportTrace.Enabled ? ImportTrace.Label(sql) : "");
            running = command;
            try
            {
                return command.ExecuteNonQuery();
            }
            finally
            {
                running = null;
            }
        }

        private long Scalar(string sql)
        {
            using var command = Command(sql);
            using var stage = ImportTrace.Start(ImportTrace.Enabled ? ImportTrace.Label(sql) : "");
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        private static DuckDBParameter P(string name, object value) => new(name, value);
    }

    private readonly record struct FileResult(long Rows, long Imported, long Duplicates, long Traits);
}

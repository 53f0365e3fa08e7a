using System.Text;
using System.Text.Json.Nodes;

namespace Trailmap.Events.ClickHouse;

/// <summary>What <c>trailmap migrate</c> copied: rows written, and events already on the cluster (by message id).</summary>
public sealed record MigrationSummary(long Events, long EventsAlreadyThere, long Imports, long Traits, long IdentityLinks);

/// <summary>
/// An import into ClickHouse. Files are parsed, checked and deduplicated by the DuckDB importer into a scratch
/// in-memory store (so every format, column rule, timestamp rule and reject reads exactly as on DuckDB), then its
/// rows go to the cluster in batches: message ids already stored are skipped (idempotent, as on DuckDB), the rest
/// are written through the Distributed table with insert_distributed_sync, so a batch is acknowledged once every
/// shard holds it. Unlike DuckDB the import is not one transaction: an interrupted import leaves the batches it
/// wrote, and running it again adds the rest. Imports are assumed to run one at a time (sequence numbers are taken
/// from the stored maximum).
/// </summary>
internal sealed class ClickHouseImport(ClickHouseEventStore store, TimeProvider time)
{
    /// <summary>Rows checked for stored message ids per query (bounded by ClickHouse's max_query_size, 256 KiB by default).</summary>
    internal const int BatchRows = 2000;

    public ImportSummary Run(IReadOnlyList<string> files, ImportOptions? options, IProgress<ImportProgress>? progress, CancellationToken cancel)
    {
        using var scratch = EventStore.Open(StoreLocation.Parse(StoreLocation.InMemory), time);
        var staged = scratch.Import(files, options, progress, cancel);
        var db = store.Address.Database;
        var seqBase = store.Long($"SELECT max(seq) FROM {db}.events");
        var importBase = store.Long($"SELECT max(id) FROM {db}.imports");

        var (_, duplicates) = CopyEvents(scratch, seqBase, importBase, null, cancel);
        WriteImports(scratch, importBase, duplicates, skipStored: false);
        WriteTraits(scratch, skipUnchanged: false);
        if (WriteLinks(scratch) > 0)
        {
            RebuildIdentities();
        }

        return staged with { Imported = staged.Imported - duplicates, Duplicates = staged.Duplicates + duplicates };
    }

    /// <summary>
    /// Copies a whole DuckDB store (<c>trailmap migrate</c>): its events with their arrival numbers and import ids as
    /// they are, its imports, traits and identity links. Idempotent: events and links already stored (by message
    /// id), imports already stored (by id) and traits the cluster already holds are not written again.
    /// </summary>
    public MigrationSummary Copy(EventStore source, IProgress<long>? progress, CancellationToken cancel)
    {
        var (written, duplicates) = CopyEvents(source, 0, 0, progress, cancel);
        var imports = WriteImports(source, 0, 0, skipStored: true);
        var traits = WriteTraits(source, skipUnchanged: true);
        var links = WriteLinks(source);
        if (links > 0)
        {
            RebuildIdentities();
        }

        return new MigrationSummary(written, duplicates, imports, traits, links);
    }

    /// <summary>Writes <paramref name="source"/>'s events in batches, numbers shifted by the bases; returns (written, already stored).</summary>
    private (long Written, long Duplicates) CopyEvents(EventStore source, long seqBase, long importBase, IProgress<long>? progress, CancellationToken cancel)
    {
        long duplicates = 0;
        long read = 0;
        var batch = new List<(string Customer, string Event, long Micros, string MessageId, string Properties, long Seq, long ImportId)>(BatchRows);
        using (var command = source.Connection.CreateCommand())
        {
            command.CommandText = "SELECT customer_id, event, epoch_us(ts), message_id, CAST(properties AS VARCHAR), seq, import_id FROM events ORDER BY seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                read++;
                batch.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3),
                    reader.IsDBNull(4) ? "{}" : reader.GetString(4), seqBase + reader.GetInt64(5), importBase + reader.GetInt64(6)));
                if (batch.Count == BatchRows)
                {
                    cancel.ThrowIfCancellationRequested();
                    duplicates += Write(batch);
                    batch.Clear();
                    progress?.Report(read);
                }
            }
        }

        duplicates += Write(batch);
        progress?.Report(read);
        return (read - duplicates, duplicates);
    }

    /// <summary>Writes the rows whose message id is not stored yet; returns how many were already there.</summary>
    private long Write(List<(string Customer, string Event, long Micros, string MessageId, string Properties, long Seq, long ImportId)> rows)
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var db = store.Address.Database;
        var stored = store.Http.Query(
            $"SELECT DISTINCT message_id FROM {db}.events WHERE message_id IN ({ClickHouseSql.List(rows.Select(r => r.MessageId).Distinct(StringComparer.Ordinal))})")
            .Select(r => r[0])
            .ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder();
        var fresh = 0;
        foreach (var r in rows)
        {
            if (stored.Contains(r.MessageId))
            {
                continue;
            }

            fresh++;
            ClickHouseEventStore.WriteJsonRow(sb, ("customer_id", r.Customer), ("event", r.Event), ("ts_us", r.Micros),
                ("message_id", r.MessageId), ("properties", r.Properties), ("seq", r.Seq), ("import_id", r.ImportId));
        }

        if (fresh > 0)
        {
            store.Http.InsertJson($"{db}.events", sb.ToString());
        }

        return rows.Count - fresh;
    }

    private long WriteImports(EventStore scratch, long importBase, long duplicates, bool skipStored)
    {
        var stored = skipStored
            ? store.Http.Query($"SELECT id FROM {store.Address.Database}.imports").Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet()
            : [];
        long written = 0;
        using var command = scratch.Connection.CreateCommand();
        command.CommandText = "SELECT id, file, format, epoch_us(started_at), rows, imported, duplicates, rejected FROM imports ORDER BY id";
        using var reader = command.ExecuteReader();
        var sb = new StringBuilder();
        var first = true;
        while (reader.Read())
        {
            if (stored.Contains(importBase + reader.GetInt64(0)))
            {
                continue;
            }

            written++;

            // The rows found already stored in ClickHouse are counted against the first file: the per-file split is not kept.
            var extra = first ? duplicates : 0;
            first = false;
            ClickHouseEventStore.WriteJsonRow(sb, ("id", importBase + reader.GetInt64(0)), ("file", reader.GetString(1)), ("format", reader.GetString(2)),
                ("started_us", reader.GetInt64(3)), ("rows", reader.GetInt64(4)), ("imported", reader.GetInt64(5) - extra),
                ("duplicates", reader.GetInt64(6) + extra), ("rejected", reader.GetInt64(7)));
        }

        if (sb.Length > 0)
        {
            store.Http.InsertJson($"{store.Address.Database}.imports", sb.ToString());
        }

        return written;
    }

    /// <summary>
    /// Merges the import's traits into the stored ones key by key (JSON merge patch, as Segment identify and the
    /// DuckDB engine do) and appends the result as each customer's newest traits row.
    /// </summary>
    private long WriteTraits(EventStore scratch, bool skipUnchanged)
    {
        var imported = scratch.ReadTraits();
        long written = 0;
        if (imported.Count == 0)
        {
            return 0;
        }

        var db = store.Address.Database;
        var version = store.Long($"SELECT max(version) FROM {db}.customers") + 1;
        foreach (var chunk in imported.Chunk(BatchRows))
        {
            var existing = store.TraitsOf([.. chunk.Select(t => t.CustomerId)]);
            var sb = new StringBuilder();
            foreach (var t in chunk)
            {
                var merged = existing.TryGetValue(t.CustomerId, out var before) ? MergePatch(before, t.Traits) : t.Traits;
                if (skipUnchanged && before is not null && JsonNode.DeepEquals(JsonNode.Parse(before), JsonNode.Parse(merged)))
                {
                    continue;
                }

                written++;
                ClickHouseEventStore.WriteJsonRow(sb, ("customer_id", t.CustomerId), ("traits", merged),
                    ("updated_us", ClickHouseEventStore.Micros(t.UpdatedAt)), ("version", version));
            }

            if (sb.Length > 0)
            {
                store.Http.InsertJson($"{db}.customers", sb.ToString());
            }
        }

        return written;
    }

    /// <summary>
    /// Stores the import's identity links (identify, alias) as they arrived, skipping message ids already stored, so
    /// a second import of the same file adds none (as on DuckDB).
    /// </summary>
    private long WriteLinks(EventStore scratch)
    {
        long written = 0;
        var links = new List<(string From, string To, string Kind, long Micros, string MessageId)>();
        using (var command = scratch.Connection.CreateCommand())
        {
            command.CommandText = "SELECT from_id, to_id, kind, epoch_us(ts), message_id FROM identity_links ORDER BY message_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                links.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }

        var db = store.Address.Database;
        foreach (var chunk in links.Chunk(BatchRows))
        {
            var stored = store.Http.Query(
                $"SELECT DISTINCT message_id FROM {db}.identity_links WHERE message_id IN ({ClickHouseSql.List(chunk.Select(l => l.MessageId).Distinct(StringComparer.Ordinal))})")
                .Select(r => r[0])
                .ToHashSet(StringComparer.Ordinal);
            var sb = new StringBuilder();
            foreach (var l in chunk.Where(l => !stored.Contains(l.MessageId)))
            {
                written++;
                ClickHouseEventStore.WriteJsonRow(sb, ("from_id", l.From), ("to_id", l.To), ("kind", l.Kind), ("ts_us", l.Micros), ("message_id", l.MessageId));
            }

            if (sb.Length > 0)
            {
                store.Http.InsertJson($"{db}.identity_links", sb.ToString());
            }
        }

        return written;
    }

    /// <summary>
    /// Writes a new generation of <c>identities</c>, each merged id with its person, from every stored link by
    /// <see cref="IdentityGraph"/> (the DuckDB engine's rules). Readers take the newest generation; a row with an empty
    /// id marks each generation, so one where no id is merged still replaces the one before.
    /// </summary>
    private void RebuildIdentities()
    {
        var db = store.Address.Database;
        var generation = store.Long($"SELECT max(generation) FROM {db}.identities") + 1;
        var rows = IdentityGraph.Resolve(store.ReadLinks()).Prepend(new KeyValuePair<string, string>("", ""));
        foreach (var chunk in rows.Chunk(BatchRows))
        {
            var sb = new StringBuilder();
            foreach (var (id, person) in chunk)
            {
                ClickHouseEventStore.WriteJsonRow(sb, ("id", id), ("person", person), ("generation", generation));
            }

            store.Http.InsertJson($"{db}.identities", sb.ToString());
        }
    }

    /// <summary>RFC 7386 JSON merge patch: null removes a key, objects merge recursively, anything else replaces.</summary>
    internal static string MergePatch(string target, string patch)
    {
        var result = Merge(JsonNode.Parse(target), JsonNode.Parse(patch));
        return result?.ToJsonString() ?? "null";
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }

        return result;
    }
}

using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Trailmap.Events;

/// <summary>
/// Folds the traits rows of each person into one: the rows of the ids merged into the person first, by update time,
/// then the person's own row, each applied as a JSON merge patch (RFC 7396, as identify itself does), so the person's
/// own traits win a conflict and a later anonymous identify wins over an earlier one.
/// </summary>
internal static class PersonTraits
{
    /// <summary>Reads (person, traits, updated_at) rows grouped by person in merge order, as the store's traits queries return them.</summary>
    public static List<CustomerTraits> Merge(DuckDBCommand command) => [.. Stream(command)];

    /// <summary>The same, one person at a time as the rows are read.</summary>
    public static IEnumerable<CustomerTraits> Stream(DuckDBCommand command)
    {
        using var reader = command.ExecuteReader();
        string? person = null;
        string? json = null;
        JsonObject? merged = null;
        var updated = DateTime.MinValue;
        while (reader.Read())
        {
            var id = reader.GetString(0);
            var traits = reader.IsDBNull(1) ? "{}" : reader.GetString(1);
            var at = DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
            if (id != person)
            {
                if (person is not null)
                {
                    yield return new CustomerTraits(person, merged?.ToJsonString() ?? json!, updated);
                }

                (person, json, merged, updated) = (id, traits, null, at);
                continue;
            }

            // A second row for the same person: only now is JSON parsed (most persons have one row).
            merged ??= JsonNode.Parse(json!) as JsonObject ?? [];
            if (JsonNode.Parse(traits) is JsonObject patch)
            {
                Patch(merged, patch);
            }

            updated = at > updated ? at : updated;
        }

        if (person is not null)
        {
            yield return new CustomerTraits(person, merged?.ToJsonString() ?? json!, updated);
        }
    }

    private static void Patch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Patch(existing, inner);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}

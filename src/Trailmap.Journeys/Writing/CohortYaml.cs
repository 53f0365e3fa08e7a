using System.Text;

namespace Trailmap.Journeys.Writing;

/// <summary>A saved-list cohort written as an entry of a journey file's <c>cohorts:</c> section, ready to paste.</summary>
public static class CohortYaml
{
    /// <summary>
    /// <c>cohorts:</c> with one entry: <paramref name="id"/>, <paramref name="name"/> and <paramref name="ids"/>, each id
    /// quoted so any text (colons, quotes, leading dashes) reads back as written.
    /// </summary>
    public static string SavedList(string id, string name, IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var yaml = new StringBuilder("cohorts:\n")
            .Append("  - id: ").Append(YamlScalar.Quoted(id)).Append('\n')
            .Append("    name: ").Append(YamlScalar.Quoted(name)).Append('\n')
            .Append("    ids:\n");
        foreach (var customer in ids)
        {
            yaml.Append("      - ").Append(YamlScalar.Quoted(customer)).Append('\n');
        }

        return yaml.ToString();
    }
}

using Scriban.Runtime;

namespace Trailmap.Delivery;

/// <summary>
/// The variables a template sees: the message's flattened data ("customer.email", "event.plan") nested back into
/// objects (<c>{{ customer.email }}</c>, <c>{{ event.plan }}</c>), plus a few of the delivery's own.
/// </summary>
public static class TemplateModel
{
    /// <summary>
    /// Builds the model. A key that is both a value and a prefix of others ("plan" and "plan.name") keeps the nested
    /// object; the plain value is then reachable as <c>{{ data["plan"] }}</c>, which holds every key as given.
    /// </summary>
    public static ScriptObject Build(OutboxEntry entry, IReadOnlyDictionary<string, string?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var root = new ScriptObject();
        var flat = new ScriptObject();
        foreach (var (key, value) in entry.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            flat[key] = value;
            var parts = key.Split('.');
            var node = root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (node[parts[i]] is not ScriptObject child)
                {
                    child = new ScriptObject();
                    node[parts[i]] = child;
                }

                node = child;
            }

            if (node[parts[^1]] is not ScriptObject)
            {
                node[parts[^1]] = value;
            }
        }

        root["data"] = flat;
        var (journey, rule) = RuleKeys.Split(entry.RuleId);
        root["rule_id"] = rule;
        root["journey_id"] = journey;
        root["customer_id"] = entry.CustomerId;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            root[key] = value;
        }

        return root;
    }
}

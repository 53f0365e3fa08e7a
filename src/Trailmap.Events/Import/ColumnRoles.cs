namespace Trailmap.Events;

/// <summary>Which input column plays which role; everything else becomes a property.</summary>
internal sealed record ColumnRoles(string Customer, string? Event, string Timestamp, string? MessageId)
{
    public static readonly string[] CustomerNames =
        ["user_id", "userId", "distinct_id", "visitorid", "customer_id", "customerID", "customer", "anonymousId", "uid"];

    public static readonly string[] EventNames = ["event", "event_type", "event_name", "name", "type", "action"];

    public static readonly string[] TimestampNames =
        ["timestamp", "ts", "event_time", "time", "date", "created_at", "originalTimestamp", "sentAt"];

    public static readonly string[] MessageIdNames = ["message_id", "messageId", "event_id", "id"];

    private static readonly string[] Roles = ["customer_id", "event", "timestamp", "message_id"];

    /// <summary>Picks the columns (case-insensitively) or explains which are missing and how to map them.</summary>
    public static ColumnRoles Detect(string file, IReadOnlyList<string> columns, ImportOptions options)
    {
        foreach (var role in options.Map.Keys)
        {
            if (!Roles.Contains(role, StringComparer.OrdinalIgnoreCase))
            {
                throw new ImportException(
                    $"--map names an unknown role \"{role}\"; the roles are {string.Join(", ", Roles)}.");
            }
        }

        var customer = Pick(file, columns, options, "customer_id", CustomerNames);
        var evt = options.ConstantEvent is null ? Pick(file, columns, options, "event", EventNames) : null;
        var ts = Pick(file, columns, options, "timestamp", TimestampNames);
        var id = Pick(file, columns, options, "message_id", MessageIdNames);
        if (id is not null && (id == customer || id == evt || id == ts))
        {
            // A column mapped to another role (say --map customer_id=id) is not also the message id.
            id = null;
        }

        var missing = new List<string>();
        if (customer is null)
        {
            missing.Add("customer id (one of " + string.Join(", ", CustomerNames) + ")");
        }

        if (evt is null && options.ConstantEvent is null)
        {
            missing.Add("event name (one of " + string.Join(", ", EventNames) + ", or --event NAME for one event type)");
        }

        if (ts is null)
        {
            missing.Add("timestamp (one of " + string.Join(", ", TimestampNames) + ")");
        }

        if (missing.Count > 0)
        {
            throw new ImportException(
                $"{file}: cannot find the {string.Join("; the ", missing)}. Columns found: "
                + (columns.Count == 0 ? "(none)" : string.Join(", ", columns))
                + ". Map them with --map customer_id=COL,event=COL,timestamp=COL[,message_id=COL].");
        }

        return new ColumnRoles(customer!, evt, ts!, id);
    }

    private static string? Pick(string file, IReadOnlyList<string> columns, ImportOptions options, string role, string[] candidates)
    {
        var mapped = options.Map.FirstOrDefault(kv => string.Equals(kv.Key, role, StringComparison.OrdinalIgnoreCase)).Value;
        if (mapped is not null)
        {
            var found = columns.FirstOrDefault(c => string.Equals(c, mapped, StringComparison.OrdinalIgnoreCase));
            return found ?? throw new ImportException(
                $"{file}: --map {role}={mapped} names a column that is not there. Columns found: {string.Join(", ", columns)}.");
        }

        foreach (var candidate in candidates)
        {
            var found = columns.FirstOrDefault(c => string.Equals(c, candidate, StringComparison.OrdinalIgnoreCase));
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }
}

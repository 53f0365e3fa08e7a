using System.Globalization;
using System.Text.RegularExpressions;

namespace Trailmap.Journeys.Model;

/// <summary>What an opportunity does for the customer: delight them, fix something broken, or optimize what works.</summary>
public enum OpportunityKind { Delight, Fix, Optimization }

/// <summary>Natural triggers happen in the customer's life or work; engineered ones are set up by the company.</summary>
public enum TriggerKind { Natural, Engineered }

public enum ProgramKind { Referral, Loyalty, Community, Other }

/// <summary>Something that prompts the customer to start or move on ("a new hire joins", "a usage report email").</summary>
public sealed record JourneyTrigger
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required TriggerKind Kind { get; init; }
    /// <summary>The stages it moves customers into or through.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];
    public string? Description { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>What one side of a program gets, e.g. the referrer a month free and the friend 20% off.</summary>
public sealed record ProgramReward
{
    public required string To { get; init; }
    public required string Reward { get; init; }
}

/// <summary>A referral, loyalty or community program: how it runs, who gets what, and how it is tracked.</summary>
public sealed record JourneyProgram
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public ProgramKind? Kind { get; init; }
    public IReadOnlyList<string> Stages { get; init; } = [];
    public IReadOnlyList<string> Steps { get; init; } = [];
    public IReadOnlyList<ProgramReward> Rewards { get; init; } = [];
    /// <summary>How it is tracked, in words (events, codes, reports).</summary>
    public IReadOnlyList<string> Tracking { get; init; } = [];
    /// <summary>Ids of the KPIs that measure it.</summary>
    public IReadOnlyList<string> Kpis { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>The path to a customer's first value: what counts as activated, how fast and how many, and where they get stuck.</summary>
public sealed record ActivationPath
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Definition { get; init; }
    public string? Stage { get; init; }
    /// <summary>Target for the time to first value, a duration such as <c>&lt;= 14d</c>.</summary>
    public Target? TimeToValue { get; init; }
    /// <summary>Target for the share of customers who activate, a percentage such as <c>&gt;= 60%</c>.</summary>
    public Target? Rate { get; init; }
    public IReadOnlyList<string> ChokePoints { get; init; } = [];
    public IReadOnlyList<string> Kpis { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>One row of a cohort table: a cohort, what it should reach, and the action that drives it.</summary>
public sealed record CohortTarget
{
    public required string Id { get; init; }
    public required string Cohort { get; init; }
    /// <summary>What is measured in words, e.g. "returns in week 4".</summary>
    public string? Measure { get; init; }
    public Target? Target { get; init; }
    public string? Action { get; init; }
    public string? Kpi { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>A dated next step with an owner, linked to the opportunities it delivers and the KPIs it should move.</summary>
public sealed partial record RoadmapItem
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>
    /// When it is due, as coarse as the document is: a date (2026-09-30, 2026-09, 2026-Q3), a quarter or a month
    /// (Q3, Q3 2026, September 2026), a time from the start of the work (Week 2, Month 1-3) or the next period
    /// (next sprint, next quarter). Null when the document lists the step without a date.
    /// </summary>
    public string? Due { get; init; }
    public string? Owner { get; init; }
    public OpportunityStatus? Status { get; init; }
    public IReadOnlyList<string> Opportunities { get; init; } = [];
    public IReadOnlyList<string> Kpis { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    public static bool IsValidDue(string due) => DuePattern().IsMatch(due.Trim());

    /// <summary>What <see cref="IsValidDue"/> accepts, in the words of an error message.</summary>
    public const string DueHelp = "write a date (2026-09-30, 2026-09 or 2026-Q3), a quarter or a month (Q3, Q3 2026, September 2026), "
        + "a time from the start of the work (Week 2, Month 1-3) or the next period (next sprint, next quarter); leave 'due' out when the step has no date";

    // The schema's "due" pattern (journey.schema.json) spells the same forms; keep the two together.
    [GeneratedRegex(@"^(\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|\d{4}-Q[1-4]|(day|week|month|quarter)\s+\d{1,3}(\s*-\s*\d{1,3})?"
        + @"|Q[1-4](\s+\d{4})?|\d{4}\s+Q[1-4]"
        + @"|(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)(\s+\d{4})?"
        + @"|(this|next)\s+(sprint|week|month|quarter|year))$", RegexOptions.IgnoreCase)]
    private static partial Regex DuePattern();
}

/// <summary>
/// A state the customer is in over part of the journey, from a document's overview chain
/// ("Stranger → Visitor → Lead → Customer → Advocate", with "Unaware", "Interested"... under each).
/// </summary>
public sealed record CustomerState
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>How the customer is in this state, in a word or a line ("Unaware", "Evangelist").</summary>
    public string? Description { get; init; }
    /// <summary>The stages the customer passes through in this state.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;
}

/// <summary>
/// How often a touchpoint or an action recurs: <c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>fortnightly</c>,
/// <c>monthly</c>, <c>quarterly</c>, <c>yearly</c>, or <c>every</c> and a duration (<c>every 2w</c>, <c>every 3d</c>).
/// Calendar words stay words, since a month is no fixed number of days.
/// </summary>
public static partial class Cadence
{
    public const string Help = "write hourly, daily, weekly, fortnightly, monthly, quarterly, yearly, or 'every' and a duration such as every 2w, "
        + "optionally with a weekday and a time in a time zone (weekly on Friday at 5 PM UTC), or a weekday and a time alone (Friday 5 PM UTC)";

    public static bool IsValid(string text) => Problem(text) is null;

    /// <summary>Why <paramref name="text"/> is not a cadence, or null when it is; <see cref="Read"/> gives its parts.</summary>
    public static string? Problem(string text)
    {
        Read(text, out var problem);
        return problem;
    }

    /// <summary>
    /// The cadence's parts: how often (a word, or "every" and a duration; "weekly" when only a weekday is written),
    /// the weekday, the time of day and its time zone (UTC, GMT or an IANA name). Null, with the reason, when the
    /// text is not a cadence.
    /// </summary>
    public static CadenceParts? Read(string text, out string? problem)
    {
        problem = null;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || (!m.Groups["freq"].Success && !m.Groups["every"].Success && !m.Groups["day"].Success))
        {
            problem = !m.Success && TimeWithoutZone().IsMatch(text.Trim()) && Pattern().IsMatch(TimeWithoutZone().Replace(text.Trim(), "").Trim().TrimEnd(','))
                ? "a time of day needs its time zone: write it after the time, e.g. 5 PM UTC or 17:00 Europe/Paris"
                : Help;
            return null;
        }

        var every = m.Groups["every"].Success ? m.Groups["every"].Value : null;
        if (every is not null && !(Duration.TryParse(every, out var d) && d.Span > TimeSpan.Zero))
        {
            problem = $"'{every}' is not a duration: {Duration.Help}";
            return null;
        }

        var frequency = m.Groups["freq"].Success ? m.Groups["freq"].Value.ToLowerInvariant() : every is not null ? "every " + every : "weekly";
        DayOfWeek? day = m.Groups["day"].Success ? Weekday(m.Groups["day"].Value) : null;
        if (day is not null && frequency is "hourly" or "daily")
        {
            problem = $"a {frequency} cadence falls on every day, so it has no weekday; write weekly on {day}";
            return null;
        }

        TimeOnly? at = null;
        string? zone = null;
        if (m.Groups["h"].Success)
        {
            var hour = int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups["min"].Success ? int.Parse(m.Groups["min"].Value, CultureInfo.InvariantCulture) : 0;
            var half = m.Groups["ampm"].Success ? m.Groups["ampm"].Value.ToLowerInvariant()[0] : (char?)null;
            if (half is not null && hour is < 1 or > 12)
            {
                problem = $"{hour} is not an hour of a 12-hour clock: write 1 to 12 with AM or PM, or 0 to 23 without";
                return null;
            }

            if (hour > 23 || minute > 59)
            {
                problem = $"{m.Groups["h"].Value}:{minute:00} is not a time of day: write 0:00 to 23:59, or 1 to 12 with AM or PM";
                return null;
            }

            if (frequency == "hourly")
            {
                problem = "an hourly cadence has no time of day";
                return null;
            }

            zone = m.Groups["zone"].Value;
            if (!IsTimeZone(zone))
            {
                problem = $"'{zone}' is not a time zone: write UTC or an IANA name such as Europe/Paris";
                return null;
            }

            at = new TimeOnly(half switch { 'a' => hour % 12, 'p' => (hour % 12) + 12, _ => hour }, minute);
        }

        return new CadenceParts(frequency, day, at, zone);
    }

    private static bool IsTimeZone(string zone)
    {
        if (zone.Equals("UTC", StringComparison.OrdinalIgnoreCase) || zone.Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(zone);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static DayOfWeek Weekday(string word) => word.ToLowerInvariant()[..2] switch
    {
        "mo" => DayOfWeek.Monday,
        "tu" => DayOfWeek.Tuesday,
        "we" => DayOfWeek.Wednesday,
        "th" => DayOfWeek.Thursday,
        "fr" => DayOfWeek.Friday,
        "sa" => DayOfWeek.Saturday,
        _ => DayOfWeek.Sunday,
    };

    // How often, then "on" and a weekday (full, plural or three letters), then "at" and a time with its zone; each part
    // optional, the checks above say which combinations hold.
    [GeneratedRegex(
        @"^(?:(?<freq>hourly|daily|weekly|fortnightly|biweekly|monthly|quarterly|yearly|annually)|every\s+(?<every>.+?))?"
        + @"(?:,?\s*(?:\bon\s+)?(?<day>(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?)\b)?"
        + @"(?:,?\s*(?:\bat\s+)?(?<h>\d{1,2})(?::(?<min>\d{2}))?\s*(?<ampm>am|pm|a\.m\.|p\.m\.)?\s+(?<zone>utc|gmt|[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+))?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    // A time of day at the end of the text, with "at" before it: what is left once it is cut must be a cadence.
    [GeneratedRegex(@"(?:\bat\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?$", RegexOptions.IgnoreCase)]
    private static partial Regex TimeWithoutZone();
}

/// <summary>
/// A cadence read into its parts: <see cref="Frequency"/> as written in lower case ("weekly", "every 2w"),
/// the <see cref="Day"/> of the week, and the time of day <see cref="At"/> in <see cref="Zone"/> (UTC, GMT or IANA).
/// </summary>
public sealed record CadenceParts(string Frequency, DayOfWeek? Day, TimeOnly? At, string? Zone);

/// <summary>
/// A document the journey links to, from a document's "Related Documents" list: a title and a URL, either http or
/// https or a path relative to where the map is opened (<c>./business-plan.md</c>). No other scheme is accepted,
/// so a link on a rendered map can never run script (<c>javascript:</c>) or read local files (<c>file:</c>).
/// </summary>
public sealed partial record JourneyLink
{
    /// <summary>The longest URL accepted, in characters: what browsers and servers reliably handle.</summary>
    public const int MaxUrlLength = 2048;

    public required string Title { get; init; }
    public required string Url { get; init; }
    [System.Text.Json.Serialization.JsonIgnore]
    public SourceLocation Location { get; init; } = SourceLocation.None;
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, SourceLocation> ValueLocations { get; init; } = SourceLocations.Empty;

    /// <summary>Why <paramref name="url"/> is not a link the map may carry, or null when it is.</summary>
    public static string? Problem(string url)
    {
        if (url.Length > MaxUrlLength)
        {
            return $"the URL is {url.Length:N0} characters long; a link may be at most {MaxUrlLength:N0}";
        }

        if (url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '"' or '`'))
        {
            return "the URL holds a space, a control character or one of < > \" ` : percent-encode it (a space is %20)";
        }

        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            return "the URL starts with // and names no scheme: write https://... for another site, or a path such as ./plan.md";
        }

        if (Scheme().Match(url) is { Success: true } m)
        {
            var scheme = m.Groups["scheme"].Value.ToLowerInvariant();
            if (scheme is not ("http" or "https"))
            {
                return $"the URL's scheme is '{scheme}': a link must be http or https, or a relative path such as ./plan.md";
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                return "the URL names no host: write it as https://example.com/path";
            }
        }

        return null;
    }

    // RFC 3986's scheme: a letter, then letters, digits, '+', '-' or '.', then ':'.
    [System.Text.RegularExpressions.GeneratedRegex("^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):")]
    private static partial System.Text.RegularExpressions.Regex Scheme();
}

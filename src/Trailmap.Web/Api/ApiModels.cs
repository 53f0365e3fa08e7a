using Trailmap.Journeys;
using Trailmap.Web.Accounts;
using Trailmap.Web.ApiKeys;
using Trailmap.Web.Journeys;

namespace Trailmap.Web.Api;

// What the REST API sends and receives. Keys are snake_case like every other Trailmap JSON (TrailmapJson);
// ApiDocument keeps the OpenAPI document's names in step with that.

/// <summary>A journey in a list: its address and its latest version.</summary>
public sealed record JourneySummary(string Slug, string Title, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static JourneySummary Of(StoredJourney j) => new(j.Slug, j.Title, j.Version, j.CreatedAt, j.UpdatedAt, j.UpdatedBy);
}

/// <summary>A journey with the YAML of its latest version and that version's lint warnings.</summary>
public sealed record JourneyDetail(
    string Slug, string Title, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UpdatedBy, string Yaml, IReadOnlyList<ApiDiagnostic> Warnings)
{
    public static JourneyDetail Of(StoredJourney j, JourneyVersion v) => new(
        j.Slug, j.Title, j.Version, j.CreatedAt, j.UpdatedAt, j.UpdatedBy, v.Yaml,
        ApiDiagnostic.Of(JourneyFile.FromText(v.Yaml, j.Slug + ".yaml")));
}

/// <summary>One saved version, without its text.</summary>
public sealed record VersionSummary(int Version, string Author, string Message, DateTimeOffset CreatedAt)
{
    public static VersionSummary Of(JourneyVersion v) => new(v.Version, v.Author, v.Message, v.CreatedAt);
}

/// <summary>One saved version with its YAML.</summary>
public sealed record VersionDetail(int Version, string Author, string Message, DateTimeOffset CreatedAt, string Yaml)
{
    public static VersionDetail Of(JourneyVersion v) => new(v.Version, v.Author, v.Message, v.CreatedAt, v.Yaml);
}

/// <summary>A problem in the YAML, at a 1-based line and column.</summary>
public sealed record ApiDiagnostic(string Severity, string Code, string Message, int Line, int Column)
{
    public static IReadOnlyList<ApiDiagnostic> Of(JourneyFile file, bool errors = false) =>
    [
        .. file.Diagnostics.Where(d => errors || d.Severity == Trailmap.Journeys.Validation.Severity.Warning).Select(d => new ApiDiagnostic(
            d.Severity == Trailmap.Journeys.Validation.Severity.Error ? "error" : "warning", d.Code, d.Message, d.Location.Line, d.Location.Column)),
    ];

    public override string ToString() => $"{Line}:{Column}: {Severity} {Code}: {Message}";
}

/// <summary>What POST /api/validate says about a YAML text; nothing is saved.</summary>
public sealed record ValidationReport(bool Valid, int Errors, int Warnings, IReadOnlyList<ApiDiagnostic> Diagnostics)
{
    public static ValidationReport Of(JourneyFile file)
    {
        var all = ApiDiagnostic.Of(file, errors: true);
        return new(!file.HasErrors && file.Journey is not null, all.Count(d => d.Severity == "error"), all.Count(d => d.Severity == "warning"), all);
    }
}

/// <summary>The JSON form of a journey body: the YAML text and, optionally, a message for the version history.</summary>
public sealed record JourneyBody(string? Yaml, string? Message);

/// <summary>What the workspace holds.</summary>
public sealed record WorkspaceStatus(long Events, long Customers, int Journeys, long Imports, IReadOnlyList<EventCount> EventNames);

public sealed record EventCount(string Event, long Count);

/// <summary>A workspace member as admins see them through the API.</summary>
public sealed record MemberInfo(long Id, string Email, string Name, string Role, bool Disabled, DateTimeOffset CreatedAt)
{
    public static MemberInfo Of(WorkspaceUser u) => new(u.Id, u.Email, u.Name, RoleNames.Of(u.Role), u.Disabled, u.CreatedAt);
}

/// <summary>An API key without its secret: the prefix identifies it.</summary>
public sealed record KeyInfo(long Id, string Name, string Kind, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static KeyInfo Of(ApiKey k) => new(k.Id, k.Name, k.Kind.ToString().ToLowerInvariant(), k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>A new key and its secret, returned once by POST /api/keys.</summary>
public sealed record CreatedKey(KeyInfo Key, string Secret);

/// <summary>The body of POST /api/keys.</summary>
public sealed record KeyRequest(string? Name, string? Kind);

using System.CommandLine;
using Trailmap.Analytics.Cohorts;
using Trailmap.Cli.Commands;
using Trailmap.Events;
using Trailmap.Journeys.Model;

namespace Trailmap.Cli.Measure;

/// <summary>
/// <c>--cohort ID</c> and <c>--cohorts FILE</c>: a cohort from a journey file's <c>cohorts:</c> section, as a filter
/// (and, through <c>--by cohort:ID</c>, a breakdown) of a funnel or retention table (docs/cohorts.md).
/// </summary>
public sealed class CohortOptions
{
    /// <summary>The prefix of <c>--by</c> that names a cohort rather than a property or trait.</summary>
    public const string ByPrefix = "cohort:";

    public Option<string?> Cohort { get; } = new("--cohort") { Description = "Only the members of this cohort (an id under cohorts: in the --cohorts file)" };

    public Option<string?> File { get; } = new("--cohorts") { Description = "The journey file whose cohorts: section defines --cohort and --by cohort:ID" };

    public void AddTo(Command command)
    {
        command.Options.Add(Cohort);
        command.Options.Add(File);
    }

    /// <summary>The cohort <paramref name="id"/> names in the --cohorts file; a clear error when either is missing.</summary>
    public Cohort Resolve(ParseResult parse, Terminal terminal, string id, string option)
    {
        var path = parse.GetValue(File)
            ?? throw new UserError($"{option} {id}: say which journey file defines the cohort with --cohorts FILE (its cohorts: section; see docs/cohorts.md)");
        var journey = JourneyInput.LoadValid(path, terminal);
        return journey.FindCohort(id)
            ?? throw new UserError(journey.Cohorts.Count == 0
                ? $"{option} {id}: {path} defines no cohorts; add a cohorts: section (see docs/cohorts.md)"
                : $"{option} {id}: {path} defines no cohort '{id}'; it defines {string.Join(", ", journey.Cohorts.Select(c => c.Id))}");
    }

    /// <summary>
    /// The ids of the cohort's members: a saved list as written, otherwise judged on every event in the range the
    /// command reads (--from, --to), of people or accounts as the command counts them.
    /// </summary>
    public static HashSet<string> Members(Cohort cohort, EventSource source, ParseResult parse, Terminal terminal, CancellationToken ct, AnalysisUnit? unit = null)
    {
        if (cohort.Ids is { } ids)
        {
            return new HashSet<string>(ids, StringComparer.Ordinal);
        }

        // Every event is read: a did_not rule or a trait rule judges customers the cohort's own events never name.
        var log = source.Load(parse, terminal, CohortAnalysis.PropertiesUsed(cohort), null, CohortAnalysis.TraitsUsed(cohort), ct, unit);
        return CohortAnalysis.Members(log, cohort);
    }
}

using Trailmap.Automation.Lift;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;

namespace Trailmap.Discovery.Discover;

/// <summary>What a discovered journey rests on: the customers, events and period of the log it was read from.</summary>
public sealed record DiscoveryBasis(long Customers, long Events, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>Time from the previous stage's first entry to this stage's first entry at or after it.</summary>
public sealed record StepTime(long Customers, double MedianSeconds, double P90Seconds, double P95Seconds);

/// <summary>
/// One discovered stage: its entry event, how many customers reached it, and how consistently the customers who
/// reached both it and the previous stage reached the previous one first.
/// </summary>
public sealed record DiscoveredStage(string Id, string Event, long Reached, long OrderCustomers, double? OrderConsistency, StepTime? FromPrevious);

/// <summary>
/// An event whose early occurrence goes with a higher conversion to the last stage: the customers who did it within
/// the deadline (exposed) against those who did not, and the difference of their conversions with its 95% interval.
/// </summary>
public sealed record MomentCandidate(string Event, Duration Deadline, long Exposed, long ExposedConverted, long Unexposed, long UnexposedConverted, Interval Lift);

/// <summary>A trait segment whose conversion to the last stage differs from the rest's, with the 95% interval of the difference.</summary>
public sealed record PersonaCandidate(string Trait, string Value, string Filter, long Members, long MembersConverted, long Rest, long RestConverted, Interval Difference);

/// <summary>
/// A journey proposed from the events, the YAML written for it, its diagnostics and the evidence behind it; the
/// baselines are the analyzer's actual of each KPI, by KPI id.
/// </summary>
public sealed record DiscoveredJourney(
    Journey Journey,
    string Yaml,
    IReadOnlyList<Diagnostic> Diagnostics,
    DiscoveryBasis Basis,
    IReadOnlyList<DiscoveredStage> Stages,
    IReadOnlyList<MomentCandidate> Moments,
    IReadOnlyList<PersonaCandidate> Personas,
    IReadOnlyDictionary<string, double?> Baselines)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == Severity.Error);
}

using System.Globalization;
using Shouldly;
using Trailmap.Events;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;

namespace Trailmap.Automation.Tests;

/// <summary>Small journeys and logs written inline, with times as "2026-01-05 10:00" (UTC).</summary>
internal static class Tiny
{
    public static DateTimeOffset T(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>A journey with stages signup (Signed Up) and activate (Board Shared), plus the given YAML.</summary>
    public static Journey Journey(string rest, string head = "") =>
        Parse($$"""
            id: j
            title: J
            {{head}}
            stages:
              - { id: signup, name: Sign up, entry: Signed Up }
              - { id: activate, name: Activate, entry: Board Shared }
              - { id: pay, name: Pay, entry: Subscription Started }
            {{rest}}
            """);

    public static Journey Parse(string yaml)
    {
        var file = JourneyFile.FromText(yaml);
        file.Diagnostics.Where(d => d.Severity == Trailmap.Journeys.Validation.Severity.Error).ShouldBeEmpty();
        return file.Journey!;
    }

    public static EventLog Log(params (string Customer, string Event, string At)[] events) => Log(null, events);

    public static EventLog Log(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>? traits, params (string Customer, string Event, string At)[] events)
    {
        var b = new EventLogBuilder();
        foreach (var (c, e, at) in events)
        {
            b.Add(c, e, T(at));
        }

        if (traits is not null)
        {
            b.WithTraits(traits);
        }

        return b.Build();
    }

    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Traits(params (string Customer, string Key, object? Value)[] traits) =>
        traits.GroupBy(t => t.Customer).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, object?>)g.ToDictionary(t => t.Key, t => t.Value));
}

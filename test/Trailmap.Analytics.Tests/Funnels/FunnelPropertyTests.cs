using CsCheck;
using Trailmap.Analytics.Funnels;
using Trailmap.Journeys.Model;

namespace Trailmap.Analytics.Tests.Funnels;

/// <summary>The fast kernel against <see cref="NaiveFunnel"/> on random small logs with many timestamp ties.</summary>
public sealed class FunnelPropertyTests
{
    private static readonly string[] Names = ["a", "b", "c", "d"];

    private static readonly FunnelModes[] ModeSets =
    [
        FunnelModes.None,
        FunnelModes.StrictOrder,
        FunnelModes.StrictIncrease,
        FunnelModes.StrictDedup,
        FunnelModes.StrictOnce,
        FunnelModes.StrictOrder | FunnelModes.AllowReentry,
        FunnelModes.Unordered,
        FunnelModes.StrictOrder | FunnelModes.StrictIncrease,
        FunnelModes.StrictOrder | FunnelModes.StrictDedup,
        FunnelModes.StrictIncrease | FunnelModes.StrictDedup,
        FunnelModes.StrictOnce | FunnelModes.StrictDedup,
        FunnelModes.StrictOnce | FunnelModes.StrictOrder,
        FunnelModes.StrictOnce | FunnelModes.StrictIncrease,
        FunnelModes.StrictOrder | FunnelModes.AllowReentry | FunnelModes.StrictDedup | FunnelModes.StrictOnce,
        FunnelModes.StrictOrder | FunnelModes.StrictIncrease | FunnelModes.StrictDedup | FunnelModes.StrictOnce,
    ];

    private static readonly Gen<TestEvent> GenEvent =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 6], Gen.Int[0, 2], (c, n, t, p) =>
            new TestEvent($"c{c}", Names[n], t * TestLogs.Second, p == 2 ? null : p));

    private static readonly Gen<FunnelStep> GenStep =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], (n, f) =>
            new FunnelStep(Names[n], f == 0 ? Filter.Parse("p == 1") : null));

    private static readonly Gen<FunnelSpec> GenSpec =
        Gen.Select(GenStep.List[1, 4], Gen.Int[0, 4], Gen.Int[0, ModeSets.Length - 1], Gen.Bool, Gen.Int[0, 6], Gen.Int[0, 3])
            .Select(Gen.Int[0, 3], (x, range) =>
            {
                var (steps, window, mode, first, exclusion, _) = x;
                return new FunnelSpec
                {
                    Steps = steps,
                    Window = Duration.FromSeconds(window),
                    Modes = ModeSets[mode],
                    Reentry = first ? FunnelReentry.First : FunnelReentry.Latest,
                    Exclusions = exclusion < 4 ? [new FunnelStep(Names[exclusion])] : [],
                    From = range == 1 ? DateTimeOffset.UnixEpoch.AddSeconds(1) : null,
                    To = range == 2 ? DateTimeOffset.UnixEpoch.AddSeconds(5) : null,
                };
            });

    [Fact]
    public void Kernel_levels_equal_the_naive_reference_on_random_logs()
    {
        Gen.Select(GenEvent.List[1, 14], GenSpec).Sample((events, spec) =>
        {
            var expected = NaiveFunnel.Levels(events, spec);
            var actual = FunnelEngine.Run(TestLogs.Build(events), spec).CustomerLevels();
            foreach (var (customer, level) in expected)
            {
                if (actual[customer] != level)
                {
                    throw new InvalidOperationException(
                        $"customer {customer}: engine {actual[customer]}, reference {level}; modes {FunnelModesParser.Format(spec.Modes)}, reentry {spec.Reentry}, window {spec.Window}, steps [{string.Join(", ", spec.Steps.Select(s => s.Name))}], exclusions [{string.Join(", ", spec.Exclusions.Select(s => s.Name))}], from {spec.From}, to {spec.To}; events {string.Join(" ", events.Where(e => e.Customer == customer).Select(e => $"{e.Name}@{e.Ts / TestLogs.Second}{(e.P is { } p ? $"(p={p})" : "")}"))}");
                }
            }
        }, iter: 20000);
    }

    [Fact]
    public void Time_to_convert_equals_the_naive_converting_chain()
    {
        Gen.Select(GenEvent.List[1, 14], GenSpec).Where((_, spec) => !spec.Modes.HasFlag(FunnelModes.Unordered)).Sample((events, spec) =>
        {
            var times = NaiveFunnel.ChainTimes(events, spec).Values.ToList();
            var actual = FunnelEngine.Run(TestLogs.Build(events), spec);
            for (var k = 1; k < spec.Steps.Count; k++)
            {
                var seconds = times.Where(t => t.Length > k).Select(t => (t[k] - t[k - 1]) / 1_000_000.0).Order().ToList();
                TimeToConvert? expected = seconds.Count == 0 ? null : new TimeToConvert(
                    seconds.Average(),
                    seconds[(int)Math.Ceiling(0.5 * seconds.Count) - 1],
                    seconds[(int)Math.Ceiling(0.9 * seconds.Count) - 1],
                    seconds.Count);
                if (actual.Steps[k].TimeToConvert != expected)
                {
                    throw new InvalidOperationException($"step {k + 1}: engine {actual.Steps[k].TimeToConvert}, reference {expected}; modes {FunnelModesParser.Format(spec.Modes)}, reentry {spec.Reentry}, window {spec.Window}, steps [{string.Join(", ", spec.Steps.Select(s => s.Name))}]; events {string.Join(" ", events.Select(e => $"{e.Customer}:{e.Name}@{e.Ts / TestLogs.Second}{(e.P is { } p ? $"(p={p})" : "")}"))}");
                }
            }
        }, iter: 5000);
    }
}

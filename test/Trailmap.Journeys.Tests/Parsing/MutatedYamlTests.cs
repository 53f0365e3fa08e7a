using System.Diagnostics;
using Shouldly;
using Trailmap.Testing.Fuzzing;
using Xunit;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>
/// Generated input: the shipped templates, samples and bad files, mutated (byte flips, truncation, duplication, deep
/// nesting, anchors), through the parser and the validator. Whatever the text, the answer is diagnostics, never an
/// exception, and it comes in bounded time. The inputs are a fixed seed's, so a failure replays.
/// </summary>
public sealed class MutatedYamlTests
{
    private const int Iterations = 500;

    [Fact]
    public void Mutated_journeys_get_diagnostics_never_an_exception_and_in_bounded_time()
    {
        var gen = YamlMutations.Of(YamlMutations.Corpus(TestPaths.RepoRoot));
        var slowest = TimeSpan.Zero;
        foreach (var (i, input) in YamlMutations.Fixed(gen, Iterations))
        {
            var watch = Stopwatch.StartNew();
            JourneyFile file;
            try
            {
                file = JourneyFile.FromText(input.Text, "mutated.yaml");
            }
            catch (Exception e)
            {
                throw new ShouldAssertException($"iteration {i}: {input} threw {e}");
            }

            var elapsed = watch.Elapsed;
            slowest = elapsed > slowest ? elapsed : slowest;
            // Each input is at most a few megabytes of text; a linear reader answers in under a second alone, and the
            // bound leaves room for a machine busy with other tests.
            elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), $"iteration {i}: {input}");
            if (file.Journey is null)
            {
                file.HasErrors.ShouldBeTrue($"iteration {i}: {input} gave no journey and no error");
            }

            foreach (var d in file.Diagnostics)
            {
                d.Location.Line.ShouldBeGreaterThan(0, $"iteration {i}: {input}: {d}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Iterations} mutated journeys, the slowest in {slowest.TotalMilliseconds:F0} ms");
    }
}

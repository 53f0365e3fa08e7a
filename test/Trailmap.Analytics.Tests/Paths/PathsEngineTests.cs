using Trailmap.Analytics.Paths;
using Trailmap.Analytics.Tests.Funnels;

namespace Trailmap.Analytics.Tests.Paths;

public sealed class PathsEngineTests
{
    // u1: x a b c a d   -> after the first a, depth 2: b c ; before it: x
    // u2: a b c         -> b c ; before: (nothing)
    // u3: a d           -> d ; before: (nothing)
    // From a: [b c] 2, [d] 1. To a: [] 2, [x] 1.
    private static readonly List<TestEvent> Events =
    [
        .. TestLogs.One("x@0 a@1 b@2 c@3 a@4 d@5", "u1"),
        .. TestLogs.One("a@0 b@1 c@2", "u2"),
        .. TestLogs.One("a@0 d@1", "u3"),
    ];

    [Fact]
    public void From_counts_what_follows_the_first_anchor()
    {
        var paths = PathsEngine.Run(TestLogs.Build(Events), new PathsSpec { From = "a", Depth = 2 });
        paths.Select(p => p.ToString()).ShouldBe(["b > c: 2", "d: 1"]);
    }

    [Fact]
    public void To_counts_what_precedes_the_first_anchor()
    {
        var paths = PathsEngine.Run(TestLogs.Build(Events), new PathsSpec { To = "a", Depth = 2 });
        paths.Select(p => p.ToString()).ShouldBe([": 2", "x: 1"]);
    }
}

using Trailmap.Journeys.Actuals;
using Trailmap.Journeys.Model;

namespace Trailmap.Journeys.Tests.Rendering;

/// <summary>Hand-written measurements for samples/complete.yaml, shared by the renderer golden tests.</summary>
internal static class SampleActuals
{
    public static JourneyActuals ForComplete() => new()
    {
        Journey = "team-trial",
        From = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        To = new DateTimeOffset(2025, 3, 31, 0, 0, 0, TimeSpan.Zero),
        Customers = 1000,
        Bottleneck = "activate",
        Stages =
        [
            new StageActual { Id = "discover", Reached = 1000, DropOff = 0.88, Emotion = 3.2 },
            new StageActual { Id = "signup", Reached = 120, Conversion = 0.12, DropOff = 0.5, MedianTimeToStageSeconds = 86400 },
            new StageActual { Id = "activate", Reached = 60, Conversion = 0.5, DropOff = 0.75, MedianTimeToStageSeconds = 216000, Nps = 12, Csat = 0.81, Responses = 40 },
            new StageActual { Id = "pay", Reached = 15, Conversion = 0.25 },
        ],
        Kpis =
        [
            new KpiActual { Id = "visit-to-signup", Actual = 0.075, Status = TargetStatus.AtRisk },
            new KpiActual { Id = "signup-conversion", Actual = 0.12, Status = TargetStatus.Met },
            new KpiActual { Id = "activation", Actual = 0.5, Status = TargetStatus.Missed },
            new KpiActual { Id = "time-to-value", Actual = 216000, Status = TargetStatus.Missed },
            new KpiActual { Id = "trial-to-paid", Actual = 0.25, Status = TargetStatus.Met },
        ],
        MomentsOfTruth = [new MomentActual { Id = "first-board", HitRate = 0.4, Customers = 120 }],
    };
}

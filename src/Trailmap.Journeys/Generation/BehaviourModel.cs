namespace Trailmap.Journeys.Generation;

/// <summary>
/// Every number the generator's customer model uses, in one place so docs/generate.md and the tests can point at it.
/// The values are chosen to look like real product analytics, not to be optimal.
/// </summary>
public static class BehaviourModel
{
    /// <summary>Conversion from one stage to the next when no KPI target says otherwise.</summary>
    public const double DefaultConversion = 0.6;

    /// <summary>No transition converts with certainty, even after <see cref="GeneratorOptions.ConversionScale"/>.</summary>
    public const double MaxConversion = 0.99;

    /// <summary>The first persona's share of customers; the others split the rest equally.</summary>
    public const double FirstPersonaShare = 0.6;

    /// <summary>The first persona converts 8% (relative) better at every transition...</summary>
    public const double FirstPersonaConversion = 1.08;

    /// <summary>...and the others 12% worse, so the share-weighted mean is exactly 1 (0.6 x 1.08 + 0.4 x 0.88).</summary>
    public const double OtherPersonaConversion = 0.88;

    /// <summary>Spread (sigma of the log) of every stage-to-stage delay; the median comes from a target or the timeframe.</summary>
    public const double DelaySigma = 0.8;

    /// <summary>Median delay between stages when neither a time-between target nor the timeframes give one.</summary>
    public static readonly TimeSpan DefaultDelay = TimeSpan.FromDays(1);

    /// <summary>Median delay between two stages whose timeframes start on the same day ("Day 0", "First session").</summary>
    public static readonly TimeSpan SameDayDelay = TimeSpan.FromMinutes(10);

    /// <summary>Delays are capped at this share of the journey's conversion window, so a converting customer converts in time.</summary>
    public const double WindowCap = 0.95;

    /// <summary>Events inside a stage come this share of the stage's outgoing median delay after its entry (1 day in the last stage).</summary>
    public const double InStageDelayShare = 0.3;

    /// <summary>Sigma of the in-stage delay.</summary>
    public const double InStageSigma = 1.0;

    /// <summary>
    /// Which steered targets are aimed to be met, missed or at risk: the i-th steerable target (in the journey's order)
    /// is missed when i % 4 == 1, at risk when i % 4 == 3 and met otherwise, so every demo shows all three colours.
    /// </summary>
    public const int TargetCycle = 4;

    /// <summary>A met "at least" target is aimed at 115% of its bound (halfway to 100% for shares near the top).</summary>
    public const double MetFactor = 1.15;

    /// <summary>A missed "at least" target is aimed at 80% of its bound (20% short, outside the 10% at-risk band).</summary>
    public const double MissedFactor = 0.80;

    /// <summary>An at-risk "at least" target is aimed at 95% of its bound (inside the 10% at-risk band).</summary>
    public const double AtRiskFactor = 0.95;

    /// <summary>Share of a stage's customers who answer an NPS or CSAT survey.</summary>
    public const double SurveyResponseRate = 0.35;

    /// <summary>Share of NPS answers that are passives (7-8); promoters and detractors fill the rest to give the aimed NPS.</summary>
    public const double NpsPassiveShare = 0.30;

    /// <summary>How far above (met) or below (missed) an NPS target the aimed score lies, in NPS points.</summary>
    public const double NpsMargin = 12;

    /// <summary>Probability that a customer with an event of a ratio's denominator also emits one more (up to 3 more).</summary>
    public const double RepeatProbability = 0.5;

    /// <summary>Share of a stage's customers who emit a ratio's denominator when nothing else emits it.</summary>
    public const double DenominatorRate = 0.7;

    /// <summary>For a rate with a <c>where</c>: share of the customers who miss it who emit the event with non-matching properties.</summary>
    public const double NearMissRate = 0.5;

    /// <summary>Retention: the return probability decays by this factor per period after the first.</summary>
    public const double RetentionDecay = 0.85;

    /// <summary>Moments of truth: share meeting the condition within the deadline, late (1-3 deadlines), or never (the rest, 20%).</summary>
    public const double MomentOnTime = 0.55;

    /// <summary>See <see cref="MomentOnTime"/>.</summary>
    public const double MomentLate = 0.25;

    /// <summary>Share of eligible customers who emit a moment's anchor event (e.g. Escalation Opened) when no stage does.</summary>
    public const double AnchorRate = 0.3;

    /// <summary>Share of a stage's customers who emit an intervention's trigger event when nothing else emits it.</summary>
    public const double TriggerRate = 0.05;

    /// <summary>Noise and activity events per customer: 1 plus a geometric number with this continuation probability (mean 4), at most 12.</summary>
    public const double NoiseContinuation = 0.75;

    /// <summary>Upper bound on noise and activity events per customer.</summary>
    public const int MaxNoise = 12;

    /// <summary>Median time a customer stays active after their last stage entry.</summary>
    public static readonly TimeSpan ActiveTail = TimeSpan.FromDays(3);

    /// <summary>
    /// Customers who reach the journey's last stage keep using the product: each day after that, until the end of
    /// the arrival span, they log in with this probability...
    /// </summary>
    public const double RetainedDailyLogin = 0.45;

    /// <summary>...and each week one in ten stops for good, so usage decays as real retention curves do.</summary>
    public const double RetainedWeeklyChurn = 0.10;

    /// <summary>On a day they log in, retained customers also do one of the journey's activity events with this probability.</summary>
    public const double RetainedDailyActivity = 0.5;

    /// <summary>Share of customers one of whose track messages is sent twice with the same messageId.</summary>
    public const double DuplicateRate = 0.005;

    /// <summary>Arrivals on Saturday and Sunday are kept with this probability: a weekly rhythm with quieter weekends.</summary>
    public const double WeekendArrivalRate = 0.6;

    /// <summary>Events that carry no meaning for the journey but make paths realistic.</summary>
    public static readonly IReadOnlyList<string> NoiseEvents = ["Page Viewed", "Logged In"];
}

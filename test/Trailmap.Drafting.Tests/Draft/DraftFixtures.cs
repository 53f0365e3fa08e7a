namespace Trailmap.Drafting.Tests.Draft;

/// <summary>Scripted model answers: the two text steps and journeys as JSON, one valid and one with two errors.</summary>
internal static class DraftFixtures
{
    public const string Audience = "Segments: 1. Growth-minded marketing leads at mid-size B2B companies. 2. Budget-conscious small business owners.";

    public const string Personas = "savvy-sarah: Savvy Sarah, marketing lead, wants efficiency. budget-brian: Budget Brian, owner, watches every cost.";

    /// <summary>A journey with personas, four stages, KPIs with targets and a moment of truth; every reference resolves.</summary>
    public const string ValidJourney = """
        {
          "version": 1,
          "id": "awareness-to-advocacy",
          "title": "From awareness to advocacy",
          "description": "How a marketing lead finds, buys, adopts and recommends the product.",
          "personas": [
            { "id": "savvy-sarah", "name": "Savvy Sarah", "role": "Marketing lead at a mid-size company", "quote": "Show me the time it saves.", "goals": ["Save time"], "pains": ["Tool sprawl"], "motivations": ["Visible results"] },
            { "id": "budget-brian", "name": "Budget Brian", "role": "Small business owner", "quote": "What does it cost me?", "goals": ["Spend less"], "pains": ["Hidden fees"], "motivations": ["Predictable costs"] }
          ],
          "stages": [
            {
              "id": "awareness", "name": "Awareness", "goal": "Learn the product exists",
              "touchpoints": [ { "id": "search-ads", "name": "Search ads", "channel": "ads" } ],
              "actions": ["Searches for a solution"], "thoughts": ["Is there something simpler?"],
              "emotion": { "score": 3, "feelings": ["curious"] },
              "pain_points": [ { "id": "unclear-value", "text": "The value is not clear from the ads", "severity": "medium" } ],
              "opportunities": [ { "id": "clear-landing", "text": "A landing page per segment", "type": "add", "addresses": ["unclear-value"] } ],
              "entry": "Page Viewed",
              "kpis": [ { "id": "visit-to-signup", "name": "Visitors who sign up", "type": "rate", "event": "Signed Up", "target": ">= 3%" } ]
            },
            {
              "id": "consideration", "name": "Consideration", "entry": "Signed Up",
              "emotion": { "score": 3, "feelings": ["hopeful"] },
              "kpis": [ { "id": "signup-to-demo", "name": "Signups who book a demo", "type": "conversion", "target": ">= 30%" } ]
            },
            {
              "id": "decision", "name": "Decision", "entry": "Subscription Started",
              "emotion": { "score": 4, "feelings": ["relieved"] },
              "kpis": [ { "id": "demo-to-paid", "name": "Demos that convert", "type": "conversion", "target": ">= 25%" } ]
            },
            {
              "id": "advocacy", "name": "Advocacy", "entry": "Referral Sent",
              "emotion": { "score": 5, "feelings": ["proud"] },
              "kpis": [ { "id": "paid-to-referral", "name": "Customers who refer", "type": "conversion", "target": ">= 10%" } ]
            }
          ],
          "moments_of_truth": [
            { "id": "first-value", "name": "First report shared", "stage": "consideration", "condition": "Report Shared", "deadline": "within 7d of consideration", "impact": "Teams that share a report in week one buy twice as often" }
          ]
        }
        """;

    /// <summary>The valid journey with two errors: a target that is not a target, and an opportunity that addresses no defined pain point.</summary>
    public static string BrokenJourney => ValidJourney
        .Replace("\"target\": \">= 30%\"", "\"target\": \"thirty percent\"", StringComparison.Ordinal)
        .Replace("\"addresses\": [\"unclear-value\"]", "\"addresses\": [\"unclear-valu\"]", StringComparison.Ordinal);

    /// <summary>The 1-based line and column where <paramref name="needle"/> starts in <paramref name="text"/>.</summary>
    public static (int Line, int Column) Find(string text, string needle)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var at = lines[i].IndexOf(needle, StringComparison.Ordinal);
            if (at >= 0)
            {
                return (i + 1, at + 1);
            }
        }

        throw new InvalidOperationException($"'{needle}' is not in the text");
    }
}

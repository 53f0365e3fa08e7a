using System.Globalization;
using System.Text;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Analytics.Journeys;

/// <summary>The analysis as a Markdown report: stages, KPIs, moments, time to value, health, personas, bottleneck, gaps.</summary>
public static class AnalysisMarkdown
{
    public static string Render(JourneyAnalysis a)
    {
        var md = new StringBuilder();
        string E(string? s) => MarkdownText.Escape(s);
        static string Pct(double? f) => f is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
        static string Num(double? v, string format = "0.#") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        static string Time(double? s) => s is { } x ? Duration.FormatApproximate(TimeSpan.FromSeconds(x)) : "-";
        static string Status(TargetStatus s) => s switch
        {
            TargetStatus.Met => "met",
            TargetStatus.AtRisk => "at risk",
            TargetStatus.Missed => "missed",
            TargetStatus.NoTarget => "no target",
            _ => "no data",
        };

        md.Append(CultureInfo.InvariantCulture, $"# {E(a.Title)}: measured journey\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{a.Customers:N0} customers, {a.Events:N0} events");
        if (a.From is { } from && a.To is { } to)
        {
            md.Append(CultureInfo.InvariantCulture, $", {from:yyyy-MM-dd} to {to:yyyy-MM-dd}");
        }

        md.Append(".\n\n## Stages\n\n| Stage | Reached | Conversion | Drop-off | Median time to stage | NPS | CSAT | Emotion (designed / measured) |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
        foreach (var s in a.Stages)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {E(s.Name)} | {(s.Measurable ? s.Reached.ToString("N0", CultureInfo.InvariantCulture) : "not measurable")} | {Pct(s.ConversionFromPrevious)} | {Pct(s.DropOff)} | {Time(s.MedianTimeToStageSeconds)} | {Num(s.Nps)} | {Pct(s.Csat)} | {Num(s.DesignedEmotion)} / {Num(s.MeasuredEmotion, "0.##")} |\n");
        }

        md.Append("\n## KPIs\n\n| KPI | Stage | Target | Actual | Status | How |\n|---|---|---|---:|---|---|\n");
        foreach (var k in a.Kpis)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {E(k.Name)} | {E(k.Stage ?? "journey")} | {E(k.Target?.Text ?? "-")} | {E(k.Display)} | {k.StatusWord} | {E(k.Detail ?? "")} |\n");
        }

        if (a.Bottleneck is { } b)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Bottleneck: {E(b.FromStage)} to {E(b.ToStage)}\n\n{E(b.Reason)}; {b.Lost:N0} customers lost.\n\n");
            foreach (var p in b.PainPoints)
            {
                md.Append(CultureInfo.InvariantCulture, $"- Pain point: {E(p.Text)}\n");
            }

            foreach (var o in b.Opportunities)
            {
                md.Append(CultureInfo.InvariantCulture, $"- Opportunity: {E(o.Text)}\n");
            }
        }

        if (a.MomentsOfTruth.Count > 0)
        {
            md.Append("\n## Moments of truth\n\n| Moment | Deadline | Hit | Eligible | Hit rate |\n|---|---|---:|---:|---:|\n");
            foreach (var m in a.MomentsOfTruth)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {E(m.Name)} | {E(m.Deadline ?? "-")} | {m.Hit:N0} | {m.Eligible:N0} | {Pct(m.HitRate)} |\n");
            }
        }

        if (a.TimeToValue.Count > 0)
        {
            md.Append("\n## Time to value\n\n| KPI | From | To | Reached | Median | p90 | Within target |\n|---|---|---|---:|---:|---:|---:|\n");
            foreach (var t in a.TimeToValue)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {E(t.Kpi)} | {E(t.From)} | {E(t.To)} | {t.Reached:N0} of {t.Started:N0} | {Time(t.MedianSeconds)} | {Time(t.P90Seconds)} | {Pct(t.ShareWithinTarget)} |\n");
            }
        }

        if (a.Health is { } h)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## Health (higher is healthier)\n\nAs of {h.AsOf:yyyy-MM-dd}: average {Num(h.Average)} over {h.Scored:N0} customers (trend {(h.Trend is { } tr ? tr.ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) : "-")}); {h.Green:N0} green, {h.Yellow:N0} yellow, {h.Red:N0} red; {h.AtRiskCount:N0} at risk.\n\n");
            if (h.AtRisk.Count > 0)
            {
                md.Append("| At-risk customer | Health | Band | Weakest component |\n|---|---:|---|---|\n");
                foreach (var r in h.AtRisk)
                {
                    md.Append(CultureInfo.InvariantCulture, $"| {E(r.Customer)} | {Num(r.Score)} | {r.Band} | {E(r.WeakestComponent)} |\n");
                }
            }
        }

        if (a.Personas.Count > 0)
        {
            md.Append("\n## Personas\n\n| Persona | Customers |");
            var stageIds = a.Personas[0].Reached.Keys.ToList();
            foreach (var id in stageIds)
            {
                md.Append(CultureInfo.InvariantCulture, $" {E(id)} |");
            }

            md.Append("\n|---|---:|" + string.Concat(stageIds.Select(_ => "---:|")) + "\n");
            foreach (var p in a.Personas)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {E(p.Name)} | {p.Customers:N0} |");
                foreach (var id in stageIds)
                {
                    md.Append(CultureInfo.InvariantCulture, $" {p.Reached.GetValueOrDefault(id):N0} |");
                }

                md.Append('\n');
            }
        }

        if (a.IdealGaps.Count > 0)
        {
            md.Append("\n## Gap to the ideal journey\n\n| Stage | What | Designed | Ideal | Measured | Status |\n|---|---|---|---|---|---|\n");
            foreach (var g in a.IdealGaps)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {E(g.Stage)} | {E(g.What)} | {E(g.Designed ?? "-")} | {E(g.Ideal ?? "-")} | {E(g.Measured ?? "-")} | {(g.Status is { } st ? Status(st) : "")} |\n");
            }
        }

        return md.ToString();
    }
}

using System.Globalization;

namespace Trailmap.Journeys.Rendering;

/// <summary>The page's stylesheet. Only the grid's column count depends on the journey; the rest is constant.</summary>
internal static class HtmlStyles
{
    /// <summary>How many persona colours the palette has; personas beyond that reuse them in order.</summary>
    public const int Tones = 6;

    public static string Css(int stages, IEnumerable<int> blockSizes, bool spans = false)
    {
        var css = new System.Text.StringBuilder(Base)
            .Append(CultureInfo.InvariantCulture, $".map {{ grid-template-columns: 176px repeat({Math.Max(stages, 1)}, minmax(236px, 1fr)); }}\n")
            .Append(CultureInfo.InvariantCulture, $"@media print {{ .map {{ grid-template-columns: {HtmlPrint.LabelWidth}px repeat({Math.Max(stages, 1)}, minmax(0, 1fr)); }} }}\n");
        // A printed map in blocks: one grid per block, each as many columns as its stages.
        foreach (var size in blockSizes.Distinct().Where(s => s != stages))
        {
            css.Append(CultureInfo.InvariantCulture, $".map.cols-{size} {{ grid-template-columns: 176px repeat({size}, minmax(236px, 1fr)); }}\n")
                .Append(CultureInfo.InvariantCulture, $"@media print {{ .map.cols-{size} {{ grid-template-columns: {HtmlPrint.LabelWidth}px repeat({size}, minmax(0, 1fr)); }} }}\n");
        }

        return (spans ? css.Append(SpanCss(stages, blockSizes)) : css).ToString();
    }

    /// <summary>
    /// The lane of touchpoints that span stages: one cell over all stage columns holding a grid of as many equal
    /// columns (the map's columns are equal too, so they line up), where a touchpoint or a gap spans k of them.
    /// </summary>
    private static string SpanCss(int stages, IEnumerable<int> blockSizes)
    {
        var css = new System.Text.StringBuilder("""
            .span-cell { grid-column: 2 / -1; padding: 12px 0; }
            .spans { display: grid; row-gap: 8px; }
            .spans .item { margin: 0 12px; min-width: 0; }
            .item.spanning { background: #f3f5ff; border-color: #c9cff5; }

            """);
        foreach (var size in blockSizes.Append(stages).Distinct().Where(s => s > 0))
        {
            css.Append(CultureInfo.InvariantCulture, $".spans.cols-{size} {{ grid-template-columns: repeat({size}, minmax(0, 1fr)); }}\n");
        }

        for (var k = 1; k <= stages; k++)
        {
            css.Append(CultureInfo.InvariantCulture, $".span-{k} {{ grid-column: span {k}; }}\n");
        }

        return css.ToString();
    }

    // "Trailmap Emoji" covers only emoji code points and comes first, so an emoji is drawn from a colour font even
    // where the text font (DejaVu Sans on Debian) has a monochrome glyph for it, while text keeps the text font.
    private const string Base = """
@font-face { font-family: "Trailmap Emoji"; src: local("Noto Color Emoji"), local("Apple Color Emoji"), local("Segoe UI Emoji"); unicode-range: U+203C, U+2049, U+2122, U+2139, U+2194-21AA, U+231A-23FF, U+24C2, U+25AA-25FE, U+2600-27BF, U+2934-2935, U+2B05-2B55, U+3030, U+303D, U+3297, U+3299, U+1F000-1FAFF, U+FE0F, U+200D; }
:root {
  --ink: #1e2433; --ink-2: #4a5468; --ink-3: #5f6880; --line: #e4e7ee; --line-2: #eef0f5;
  --bg: #f3f4f8; --card: #ffffff; --accent: #4f5bd5; --accent-soft: #eef0fd;
  --met: #177245; --met-bg: #e3f5ea; --risk: #9a5b00; --risk-bg: #fdf1d8;
  --miss: #b4232c; --miss-bg: #fde7e8; --nodata: #5b6477; --nodata-bg: #eceef3;
  --designed: #4f5bd5; --ideal: #1a9a8a; --measured: #e0703a; --derived: #8a5cc7;
  --radius: 14px;
  --shadow: 0 1px 2px rgba(24, 32, 56, .06), 0 4px 16px rgba(24, 32, 56, .06);
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 "Trailmap Emoji", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif;
}
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; background: #f1f3f8; border-radius: 5px; padding: 1px 5px; color: #3b4257; overflow-wrap: anywhere; }
h1, h2, h3, h4 { margin: 0; line-height: 1.25; }
ul, ol { margin: 0; padding: 0; list-style: none; }
.page { padding: 28px 32px 40px; max-width: 2400px; margin: 0 auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); }
.k { font-size: 11px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--ink-3); margin-right: 4px; }

.hero { background: linear-gradient(135deg, #ffffff 0%, #f4f5ff 100%); border: 1px solid var(--line); border-radius: 20px; padding: 26px 30px 22px; box-shadow: var(--shadow); position: relative; overflow: hidden; }
.hero::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 6px; background: linear-gradient(180deg, var(--designed), var(--ideal)); }
.eyebrow { margin: 0 0 6px; font-size: 12px; font-weight: 600; letter-spacing: .12em; text-transform: uppercase; color: var(--accent); }
.hero h1 { font-size: 30px; font-weight: 700; letter-spacing: -.01em; overflow-wrap: anywhere; }
.lede { margin: 8px 0 0; max-width: 80ch; font-size: 16px; color: var(--ink-2); overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: 10px 32px; margin: 18px 0 0; }
.facts div { min-width: 0; }
.facts dt { font-size: 11px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--ink-3); }
.facts dd { margin: 2px 0 0; font-weight: 600; overflow-wrap: anywhere; }
.tags { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 16px; }
.tag { background: var(--accent-soft); color: #3a44a8; border-radius: 999px; padding: 3px 11px; font-size: 12px; font-weight: 600; overflow-wrap: anywhere; }

.section { margin-top: 28px; }
.section > h2 { font-size: 18px; font-weight: 700; margin-bottom: 12px; }
.persona-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
.persona { padding: 18px 20px; break-inside: avoid; }
.persona-head { display: flex; gap: 12px; align-items: center; }
.persona h3 { font-size: 16px; overflow-wrap: anywhere; }
.role { margin: 2px 0 0; color: var(--ink-2); font-size: 13px; overflow-wrap: anywhere; }
.avatar { flex: none; width: 44px; height: 44px; border-radius: 50%; display: grid; place-items: center; font-weight: 700; font-size: 15px; color: #fff; }
.tone-0 { background: #4f5bd5; } .tone-1 { background: #137a6d; } .tone-2 { background: #b8502f; }
.tone-3 { background: #8a56c2; } .tone-4 { background: #c2417a; } .tone-5 { background: #2f6ea3; }
.persona blockquote { margin: 14px 0 4px; padding: 8px 12px; border-left: 3px solid var(--accent); background: #f7f8fd; border-radius: 0 8px 8px 0; font-style: italic; color: var(--ink-2); overflow-wrap: anywhere; }
.plist { margin-top: 12px; }
.plist h4 { font-size: 11px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; color: var(--ink-3); margin-bottom: 4px; }
.plist li { position: relative; padding-left: 16px; margin: 2px 0; overflow-wrap: anywhere; }
.plist li::before { position: absolute; left: 0; top: 0; font-weight: 700; }
.goals li::before { content: "✓"; color: var(--met); }
.pains li::before { content: "✕"; color: var(--miss); }
.motivations li::before { content: "↗"; color: var(--accent); }
.demographics { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 12px 0 0; font-size: 12px; }
.demographics dt { display: inline; color: var(--ink-3); text-transform: capitalize; }
.demographics dt::after { content: ": "; }
.demographics dd { display: inline; margin: 0; font-weight: 600; }
.traits { margin: 10px 0 0; font-size: 12px; }

.map-scroll { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 18px; box-shadow: var(--shadow); }
.map { display: grid; column-gap: 0; min-width: min-content; }
.lane { display: contents; }
.lane-label {
  position: sticky; left: 0; z-index: 2; background: #f8f9fc; border-right: 1px solid var(--line); border-top: 1px solid var(--line-2);
  padding: 14px 16px; display: flex; flex-direction: column; gap: 3px;
}
.lane-name { font-size: 12px; font-weight: 700; letter-spacing: .07em; text-transform: uppercase; color: var(--ink); }
.lane-hint { font-size: 12px; color: var(--ink-3); }
.cell { padding: 12px 12px; border-top: 1px solid var(--line-2); border-left: 1px solid var(--line-2); min-width: 0; overflow-wrap: break-word; hyphens: manual; }
.lane-stage .lane-label, .lane-stage .cell { border-top: 0; }
.lane-stage .lane-label { border-top-left-radius: 18px; }

.stage-head { background: linear-gradient(180deg, #f5f6ff 0%, #ffffff 100%); border-top: 4px solid var(--designed) !important; padding: 14px 14px 16px; }
.stage-top { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.step { font-size: 12px; font-weight: 700; color: var(--accent); letter-spacing: .08em; }
.timeframe { font-size: 12px; font-weight: 600; color: var(--ink-2); background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: 1px 9px; }
.stage-name { font-size: 19px; font-weight: 700; margin: 6px 0 8px; }
.goal, .stage-desc, .ideal-note { margin: 6px 0 0; font-size: 13px; color: var(--ink-2); }
.mindset { margin: 8px 0 0; font-size: 13px; font-style: italic; color: var(--ink-2); }
.mindset::before { content: "“"; } .mindset::after { content: "”"; }
.ideal-note { border-left: 3px solid var(--ideal); padding-left: 8px; }
.critical-elements { margin: 4px 0 0; padding: 0 0 0 8px; list-style: none; border-left: 3px solid var(--ideal); font-size: 12px; color: var(--ink-2); }
.critical-elements li::before { content: "✓ "; color: var(--ideal); }
.funnel { display: flex; gap: 18px; margin: 4px 0 6px; }
.funnel dt { font-size: 11px; font-weight: 600; letter-spacing: .05em; text-transform: uppercase; color: var(--ink-3); }
.funnel dd { margin: 0; font-size: 18px; font-weight: 700; font-variant-numeric: tabular-nums; }
.stage-head.bottleneck { background: linear-gradient(180deg, #fff1f1 0%, #ffffff 100%); border-top-color: var(--miss) !important; box-shadow: inset 0 0 0 2px rgba(180, 35, 44, .35); }
.flag { display: inline-block; margin: 0 0 6px; font-size: 11px; font-weight: 700; letter-spacing: .06em; text-transform: uppercase; border-radius: 999px; padding: 2px 10px; }
.bottleneck-flag { background: var(--miss); color: #fff; }
.bottleneck-flag::before { content: "▼ "; }

.items { display: flex; flex-direction: column; gap: 8px; }
.item { background: #fbfbfd; border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; display: flex; flex-direction: column; gap: 5px; break-inside: avoid; }
.item-title { font-weight: 500; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.chip { font-size: 11px; font-weight: 600; border-radius: 999px; padding: 1px 8px; background: #eef0f5; color: var(--ink-2); white-space: nowrap; max-width: 100%; overflow: hidden; text-overflow: ellipsis; }
.owner { font-size: 12px; color: var(--ink-3); }
.owner::before { content: "Owner · "; }
.touchpoint.backstage { background: repeating-linear-gradient(135deg, #fafafc, #fafafc 6px, #f3f4f8 6px, #f3f4f8 12px); border-style: dashed; }
.chip.layer-frontstage { background: #e6f4f1; color: #146c61; }
.chip.layer-backstage { background: #ecebf5; color: #5a5680; }
.chip.channel { background: var(--accent-soft); color: #3a44a8; }
.chip.cadence { background: #e6f4ef; color: #1d6b50; }
.chip.timing { background: #eef1f8; color: #2f4a7a; }
.chip.critical { background: #fff3d6; color: #8a5a00; }
.chip.critical::before { content: "★ "; }
.score-pill { font-size: 12px; font-weight: 700; border-radius: 6px; padding: 1px 7px; font-variant-numeric: tabular-nums; }
.score-pill small { font-weight: 500; }
.score-pill.low { background: var(--miss-bg); color: var(--miss); }
.score-pill.mid { background: var(--risk-bg); color: var(--risk); }
.score-pill.high { background: var(--met-bg); color: var(--met); }
.persona-badge { font-size: 11px; font-weight: 600; color: #fff; border-radius: 999px; padding: 1px 8px; }
.thought { margin: 0 0 8px; padding: 9px 12px; background: #f6f7fb; border: 1px solid var(--line); border-radius: 12px 12px 12px 3px; font-style: italic; color: var(--ink-2); break-inside: avoid; }
.thought:last-child { margin-bottom: 0; }
.pain { border-left: 4px solid #c9ced9; }
.pain.sev-high { border-left-color: var(--miss); } .pain.sev-medium { border-left-color: #e2a02b; } .pain.sev-low { border-left-color: #9aa3b5; }
.severity { align-self: flex-start; text-transform: uppercase; letter-spacing: .05em; }
.severity.sev-high { background: var(--miss-bg); color: var(--miss); }
.severity.sev-medium { background: var(--risk-bg); color: var(--risk); }
.opportunity { border-left: 4px solid var(--ideal); }
.chip.type { background: #e6f4f1; color: #146c61; }
.chip.prio-high { background: #fde7e8; color: var(--miss); }
.chip.prio-medium { background: var(--risk-bg); color: var(--risk); }
.chip.st-done { background: var(--met-bg); color: var(--met); }
.chip.st-in-progress { background: #e3eefc; color: #1f5fa8; }
.chip.st-planned { background: var(--accent-soft); color: #3a44a8; }

.kpi { padding: 0; border: 0; background: none; }
.kpi-badge { border-radius: 10px; padding: 8px 10px; display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; align-items: baseline; border: 1px solid transparent; break-inside: avoid; }
.kpi-name { grid-column: 1 / -1; font-size: 12px; font-weight: 600; color: var(--ink-2); }
.kpi-value { font-size: 15px; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi-status { font-size: 11px; font-weight: 700; letter-spacing: .05em; text-transform: uppercase; }
.kpi-ideal { grid-column: 1 / -1; font-size: 11px; color: var(--ideal); font-weight: 600; }
.kpi-badge.target { background: #f6f7fb; border-color: var(--line); }
.kpi-badge.met { background: var(--met-bg); border-color: #b6e2c6; } .kpi-badge.met .kpi-value, .kpi-badge.met .kpi-status { color: var(--met); }
.kpi-badge.at-risk { background: var(--risk-bg); border-color: #f1d59a; } .kpi-badge.at-risk .kpi-value, .kpi-badge.at-risk .kpi-status { color: var(--risk); }
.kpi-badge.missed { background: var(--miss-bg); border-color: #f4bcc0; } .kpi-badge.missed .kpi-value, .kpi-badge.missed .kpi-status { color: var(--miss); }
.kpi-badge.no-data { background: var(--nodata-bg); border-color: #d6dae3; } .kpi-badge.no-data .kpi-value, .kpi-badge.no-data .kpi-status { color: var(--nodata); }
.kpi-badge.met .kpi-status::before { content: "✓ "; }
.kpi-badge.at-risk .kpi-status::before { content: "! "; }
.kpi-badge.missed .kpi-status::before { content: "✕ "; }

.moment { display: flex; flex-direction: column; gap: 4px; padding: 10px 12px; border-radius: 10px; background: #fff8ec; border: 1px solid #f3dcb2; break-inside: avoid; }
.moment + .moment { margin-top: 8px; }
.moment-name { font-weight: 700; }
.moment-name::before { content: "◆ "; color: #d08a1c; }
.deadline { font-size: 12px; font-weight: 600; color: var(--risk); }
.impact { font-size: 13px; color: var(--ink-2); }
.hit-rate { font-size: 13px; }
.rule-lift { display: flex; flex-direction: column; gap: 4px; padding: 10px 12px; border-radius: 10px; background: #eef6f1; border: 1px solid #c6e2d0; break-inside: avoid; }
.rule-lift + .rule-lift { margin-top: 8px; }
.rule-name { font-weight: 700; }
.lift { font-size: 13px; font-variant-numeric: tabular-nums; }
.entry { display: inline-block; }
.where { font-size: 12px; color: var(--ink-3); }

.lane-emotion .lane-label { grid-row: span 2; }
.curve { grid-column: 2 / -1; border-top: 1px solid var(--line-2); background: linear-gradient(180deg, #fcfcff 0%, #f7f8fe 100%); min-width: 0; }
.emotion-chart { display: block; overflow: visible; }
.emotion-chart .grid { stroke: #e3e6ef; stroke-width: 1; }
.emotion-chart .grid.edge { stroke: #d3d7e2; }
.emotion-chart .divider { stroke: #eceef4; stroke-width: 1; }
.emotion-chart .axis { font-size: 10px; fill: var(--ink-3); }
.line { fill: none; stroke-linejoin: round; stroke-linecap: round; }
.line.designed { stroke: var(--designed); stroke-width: 3; }
.line.ideal { stroke: var(--ideal); stroke-width: 2; stroke-dasharray: 7 5; }
.line.measured { stroke: var(--measured); stroke-width: 2.5; stroke-dasharray: 1 5; }
.line.derived { stroke: var(--derived); stroke-width: 2.5; stroke-dasharray: 4 4; }
.pt { stroke: #fff; stroke-width: 2; }
.pt.designed { fill: var(--designed); }
.pt.ideal { fill: #fff; stroke: var(--ideal); stroke-width: 2; }
.pt.measured { fill: var(--measured); }
.pt.derived { fill: #fff; stroke: var(--derived); stroke-width: 2; }
.pt-label { font-size: 12px; font-weight: 600; fill: var(--ink); paint-order: stroke; stroke: #fbfbff; stroke-width: 4px; stroke-linejoin: round; }
.pt-label.minor { font-size: 11px; }
.pt-label.ideal { fill: var(--ideal); } .pt-label.measured { fill: var(--measured); } .pt-label.derived { fill: var(--derived); }
.legend { display: flex; flex-direction: column; gap: 3px; margin-top: 8px; font-size: 12px; color: var(--ink-2); }
.legend li { display: flex; align-items: center; gap: 6px; }
.emotion-cell { border-top: 0; background: #f7f8fe; padding-top: 4px; }
.scores { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 12px; color: var(--ink-3); }
.score b { color: var(--ink); font-variant-numeric: tabular-nums; }
/* Darker than the curves' strokes: small bold text needs 4.5:1 on the cell, a 2.5-px line does not. */
.score.designed b { color: var(--designed); } .score.ideal b { color: #137a6d; } .score.measured b { color: #a84a1c; } .score.derived b { color: var(--derived); }
.feelings { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; }
.feelings li { font-size: 11px; font-weight: 600; background: #fff; border: 1px solid var(--line); border-radius: 999px; padding: 1px 8px; color: var(--ink-2); }

.section-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 20px; margin-top: 8px; align-items: start; }
.panel > h2 { margin-bottom: 12px; }
.panel .card + .card { margin-top: 12px; }
.moment-card, .rule, .structure-card { padding: 14px 16px; break-inside: avoid; }
.structure .card-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; }
.structure .card-grid .card + .card { margin-top: 0; }
.structure-card h3 { font-size: 15px; margin-bottom: 8px; overflow-wrap: anywhere; }
.moment-card h3, .rule h3 { font-size: 15px; margin-bottom: 8px; overflow-wrap: anywhere; }
.moment-card h3::before { content: "◆ "; color: #d08a1c; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; font-size: 13px; }
.kv div { display: contents; }
.kv dt { color: var(--ink-3); font-weight: 600; }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.structure.messages dd, .structure.touchpoint-details dd { white-space: pre-line; }
.timeline { position: relative; padding-left: 20px; }
.timeline::before { content: ""; position: absolute; left: 6px; top: 6px; bottom: 6px; width: 2px; background: var(--line); }
.timeline li { position: relative; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; padding: 6px 0 10px; break-inside: avoid; }
.timeline li::before { content: ""; position: absolute; left: -19px; top: 11px; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); border: 2px solid #fff; box-shadow: 0 0 0 1px var(--accent); }
.at { font-weight: 700; color: var(--accent); min-width: 56px; }
.what { font-weight: 500; overflow-wrap: anywhere; }
.desc { flex-basis: 100%; color: var(--ink-2); font-size: 13px; margin: 0; overflow-wrap: anywhere; }
.stage-chip { background: var(--accent-soft); color: #3a44a8; }
.ranked li { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; padding: 8px 0; border-bottom: 1px solid var(--line-2); break-inside: avoid; }
.rank { display: inline-grid; place-items: center; width: 24px; height: 24px; border-radius: 50%; background: #fff3d6; color: #8a5a00; font-weight: 700; font-size: 12px; }
.metric-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
.metric-card { padding: 12px; break-inside: avoid; }
.metric-type { margin: 8px 2px 0; font-size: 11px; font-weight: 600; letter-spacing: .06em; text-transform: uppercase; color: var(--ink-3); }
.when-then { margin: 0 0 8px; font-size: 13px; overflow-wrap: anywhere; }
.arrow { color: var(--accent); font-weight: 700; }
.steps { margin-top: 10px; display: flex; flex-direction: column; gap: 6px; }
.steps li { display: flex; gap: 10px; align-items: baseline; font-size: 13px; }
.day { flex: none; font-size: 11px; font-weight: 700; background: var(--accent-soft); color: #3a44a8; border-radius: 6px; padding: 2px 7px; min-width: 48px; text-align: center; }
.empty { color: var(--ink-3); }
.footer { margin-top: 36px; font-size: 12px; color: var(--ink-3); text-align: center; }

.map-block + .map-block { margin-top: 20px; }

@page { size: A3 landscape; margin: 10mm; }
@media print {
  body { background: #fff; font-size: 11px; }
  .page { padding: 0; max-width: none; }
  .hero, .card, .map-scroll { box-shadow: none; }
  .map-scroll { overflow: visible; border-radius: 0; }
  .lane-label { position: static; }
  .persona-grid { grid-template-columns: repeat(3, 1fr); }
  .section { break-inside: auto; }
  .section > h2 { break-after: avoid; }
  .item, .card, .moment, .kpi-badge, .thought, .stage-head { break-inside: avoid; }
  .cell { overflow-wrap: break-word; }
  .stage-name { font-size: 16px; }
  .map-block { break-inside: avoid; }
  .map-block + .map-block { break-before: page; margin-top: 0; }
}

""";
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Trailmap.Journeys.Emotions;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Tests.Parsing;
using Xunit;

namespace Trailmap.Journeys.Tests.Emotions;

/// <summary>A stage that gives only feelings gets a score derived from the emotion lexicon, kept apart from written ones.</summary>
public sealed partial class EmotionsFromWordsTests
{
    private static Journey Parse(string stages, string top = "")
    {
        var file = JourneyFile.FromText($"""
            id: j
            title: Feelings
            {top}
            stages:
            {stages}
            """);
        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        return file.Journey!;
    }

    [Fact]
    public void Words_and_emoji_give_the_mean_valence_placed_on_the_journeys_scale()
    {
        var j = Parse("""
              - { id: a, name: A, emotion: { feelings: ["🤔 Curious", "😐 Overwhelmed"] } }
              - { id: b, name: B, emotion: { feelings: [confident] } }
              - { id: c, name: C, emotion: { feelings: [excited, "😟 worried"] } }
              - { id: d, name: D, emotion: { score: 2, feelings: [delighted] } }
            """);
        // a: 🤔 0, curious +1, 😐 0, overwhelmed -1: mean 0, on 1..5 1 + (0 + 2) / 4 × 4 = 3.
        j.Stages[0].Emotion!.DerivedScore.ShouldBe(3);
        j.Stages[0].Emotion!.DerivedFrom.ShouldBe(["🤔", "curious", "😐", "overwhelmed"]);
        j.Stages[0].Emotion!.Score.ShouldBeNull();
        // b: confident +1: 1 + 3 / 4 × 4 = 4. c: +2, -1, -1: mean 0: 3.
        j.Stages[1].Emotion!.DerivedScore.ShouldBe(4);
        j.Stages[2].Emotion!.DerivedScore.ShouldBe(3);
        // d: a written score wins; nothing is derived.
        j.Stages[3].Emotion!.Score.ShouldBe(2);
        j.Stages[3].Emotion!.DerivedScore.ShouldBeNull();
    }

    [Fact]
    public void Feelings_named_as_nouns_score_like_their_adjectives()
    {
        // Seed 001's stage emotions: "Frustration, curiosity, hope, slight skepticism", "Excitement, relief, ...".
        var j = Parse("""
              - { id: a, name: A, emotion: { feelings: [Frustration, curiosity, hope] } }
              - { id: b, name: B, emotion: { feelings: [slight skepticism] } }
              - { id: c, name: C, emotion: { feelings: [delight, anxiety, confusion] } }
            """);
        // a: frustration -1, curiosity +1, hope +1: mean 1/3; 1 + (1/3 + 2) / 4 × 4 = 3.333..., rounded 3.33.
        j.Stages[0].Emotion!.DerivedFrom.ShouldBe(["frustration", "curiosity", "hope"]);
        j.Stages[0].Emotion!.DerivedScore.ShouldBe(3.33);
        // b: "slight" is unknown, skepticism -0.5: 1 + 1.5 / 4 × 4 = 2.5.
        j.Stages[1].Emotion!.DerivedScore.ShouldBe(2.5);
        // c: delight +2, anxiety -1, confusion -1: mean 0: 3.
        j.Stages[2].Emotion!.DerivedScore.ShouldBe(3);
    }

    [Theory]
    [InlineData("frustration", "frustrated")]
    [InlineData("delight", "delighted")]
    [InlineData("anxiety", "anxious")]
    [InlineData("confusion", "confused")]
    [InlineData("relief", "relieved")]
    [InlineData("skepticism", "skeptical")]
    [InlineData("overwhelm", "overwhelmed")]
    [InlineData("pride", "proud")]
    [InlineData("fear", "afraid")]
    [InlineData("indifference", "indifferent")]
    public void A_noun_has_its_adjectives_valence(string noun, string adjective) =>
        EmotionLexicon.BuiltIn.Entries[noun].ShouldBe(EmotionLexicon.BuiltIn.Entries[adjective]);

    [Theory]
    [InlineData("-2..2", 1.0)]        // valence +1 is 1 on -2..2
    [InlineData("1..10", 7.75)]       // 1 + (1 + 2) / 4 × 9 = 7.75
    public void The_derived_score_is_on_the_journeys_scale(string scale, double expected) =>
        Parse("  - { id: b, name: B, emotion: { feelings: [confident] } }", $"emotion_scale: {scale}").Stages[0].Emotion!.DerivedScore.ShouldBe(expected);

    [Fact]
    public void The_journeys_lexicon_overrides_and_extends_the_built_in_one_on_its_own_scale()
    {
        var j = Parse("""
              - { id: a, name: A, emotion: { feelings: ["🤔 Curious", "😐 Overwhelmed"] } }
              - { id: b, name: B, emotion: { feelings: [stoked] } }
            """, """emotion_lexicon: { overwhelmed: 5, Stoked: 4, "🤔": 1 }""");
        // overwhelmed 5 is valence +2, 🤔 1 is -2: (-2 + 1 + 0 + 2) / 4 = 0.25: 1 + 2.25 / 4 × 4 = 3.25.
        j.Stages[0].Emotion!.DerivedScore.ShouldBe(3.25);
        // A new word, matched case-insensitively: 4.
        j.Stages[1].Emotion!.DerivedScore.ShouldBe(4);
    }

    [Fact]
    public void A_lexicon_file_next_to_the_journey_is_read_and_its_bad_entries_located()
    {
        var dir = Directory.CreateTempSubdirectory("trailmap-lexicon-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "feelings.yaml"), "overwhelmed: 5\nlost: 9\n");
            var journey = Path.Combine(dir, "journey.yaml");
            File.WriteAllText(journey, """
                id: j
                title: T
                emotion_lexicon: feelings.yaml
                stages:
                  - { id: a, name: A, emotion: { feelings: [overwhelmed] } }
                """);
            var file = JourneyFile.Load(journey);
            // overwhelmed 5 from the file: valence +2, score 5.
            file.Journey!.Stages[0].Emotion!.DerivedScore.ShouldBe(5);
            // lost: 9 is off the 1..5 scale: TM005 at the journey's reference, naming the file's line and column.
            var bad = file.Diagnostics.Single(d => d.Code == "TM005");
            bad.Location.Line.ShouldBe(3);
            bad.Message.ShouldStartWith("feelings.yaml:2:7: the score of 'lost' must be a number on the journey's emotion scale 1..5");

            File.WriteAllText(journey, "id: j\ntitle: T\nemotion_lexicon: ../outside.yaml\nstages: [{ id: a, name: A }]\n");
            JourneyFile.Load(journey).Diagnostics.ShouldContain(d => d.Code == "TM005" && d.Message.Contains("relative path inside the journey's folder", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Without_a_folder_a_lexicon_file_is_refused_with_the_inline_form_to_use() =>
        JourneyFile.FromText("id: j\ntitle: T\nemotion_lexicon: feelings.yaml\nstages: [{ id: a, name: A }]\n").Diagnostics
            .ShouldContain(d => d.Code == "TM005" && d.Location.Line == 3 && d.Message.Contains("write the words inline", StringComparison.Ordinal));

    [Fact]
    public void Feelings_the_lexicon_does_not_know_are_a_located_warning_and_no_point()
    {
        var file = JourneyFile.FromText("""
            id: j
            title: T
            stages:
              - id: a
                name: A
                emotion: { feelings: [flummoxed, "discombobulated"] }
            """);
        file.Journey!.Stages[0].Emotion!.DerivedScore.ShouldBeNull();
        var warning = file.Diagnostics.Single(d => d.Code == "TM107");
        warning.Location.Line.ShouldBe(6);
        warning.Message.ShouldContain("emotion_lexicon: { \"flummoxed\": 3 }");
    }

    [Fact]
    public void Every_render_marks_the_derived_point_and_keeps_it_off_the_written_curve()
    {
        var j = Parse("""
              - { id: a, name: A, emotion: { score: 2, feelings: [lost] } }
              - { id: b, name: B, emotion: { feelings: ["🤔 Curious", "😐 Overwhelmed"] } }
              - { id: c, name: "C <b>", emotion: { feelings: ["<i>confident</i>"] } }
            """);
        var svg = SvgRenderer.Render(j);
        // The written score is the designed curve (one point: no line); b and c are the derived curve.
        Regex.Matches(svg, "<circle class=\"pt designed\"").Count.ShouldBe(1);
        Regex.Matches(svg, "<circle class=\"pt derived\"").Count.ShouldBe(2);
        svg.ShouldContain("<polyline class=\"curve derived\"");
        svg.ShouldNotContain("<polyline class=\"curve designed\"");
        svg.ShouldContain("Derived emotion");
        svg.ShouldNotContain("<i>");

        var html = HtmlRenderer.Render(j);
        html.ShouldContain("<span class=\"score derived\">derived <b>3</b></span>");
        html.ShouldContain("<polyline class=\"line derived\"");
        html.ShouldContain("<title>Derived: 4</title>");
        html.ShouldNotContain("<i>confident");

        MarkdownRenderer.Render(j).ShouldContain("~3 (derived from feelings: 🤔 Curious, 😐 Overwhelmed)");
        CsvRenderer.Render(j).ShouldContain("~3 (derived from feelings: 🤔 Curious, 😐 Overwhelmed)");

        using var json = JsonDocument.Parse(JsonRenderer.Render(j));
        var b = json.RootElement.GetProperty("stages")[1].GetProperty("emotion");
        b.GetProperty("derived_score").GetDouble().ShouldBe(3);
        b.TryGetProperty("score", out _).ShouldBeFalse();
        json.RootElement.GetProperty("stages")[0].GetProperty("emotion").GetProperty("score").GetDouble().ShouldBe(2);
    }

    [Fact]
    public void The_guide_lists_every_built_in_entry_with_its_valence()
    {
        var guide = File.ReadAllText(TestPaths.Repo("docs", "journey-format.md"));
        var rows = TableRow().Matches(guide).ToDictionary(
            m => m.Groups["terms"].Value.Contains(',', StringComparison.Ordinal) || m.Groups["terms"].Value.All(c => c < 0x2000) ? "w" + m.Groups["v"].Value : "e" + m.Groups["v"].Value,
            m => m.Groups["terms"].Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        foreach (var (term, valence) in EmotionLexicon.BuiltIn.Entries)
        {
            var v = (valence > 0 ? "+" : "") + valence.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            var key = (term.All(c => c < 0x2000) ? "w" : "e") + v;
            rows.ShouldContainKey(key, $"no row for valence {v}");
            rows[key].ShouldContain(term, $"'{term}' ({v}) is not in the guide's lexicon tables");
        }
    }

    [GeneratedRegex(@"^\| (?<v>[+-]?\d(?:\.\d)?) \| (?<terms>[^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}

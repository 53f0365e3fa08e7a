using System.Diagnostics;
using System.Text;
using Shouldly;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Parsing;

/// <summary>
/// The bounds of <see cref="JourneyLimits"/>, each with the input that broke the CLI or the server before it: a
/// stack overflow from deep nesting, a map of a hundred megabytes from aliases, a file that never finished, and a
/// journey that validated but crashed analysis. Expected lines and columns are counted from how each input is built.
/// </summary>
public sealed class JourneyLimitsTests
{
    private const string Head = "version: 1\nid: j\ntitle: J\n";

    [Fact]
    public void Nesting_100000_levels_deep_is_a_located_TM016_not_a_stack_overflow()
    {
        // 200 KB, as in the report that killed the CLI (exit 134) and the server.
        var yaml = "a: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var d = JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem();

        // The root mapping is level 1 and the '[' at column 4 level 2, so level 65, the first too deep, is at 4 + 63.
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM016", 1, 67), d.ToString());
        d.Message.ShouldContain("more than 64 levels");
    }

    [Fact]
    public void An_alias_before_its_anchor_is_a_located_TM001_not_a_stack_overflow()
    {
        // Found by the mutated-YAML test: YamlDotNet keeps a placeholder for a forward alias, and two such
        // placeholders as keys of one mapping compare each other in Equals until the process dies (exit 134).
        var yaml = Head + "a: {*x : 1, *x : 2}\nb: &x y\n";

        var d = JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem();

        // Line 4 after the three of Head; "a: {" fills columns 1-4, so the first '*x' starts at column 5.
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM001", 4, 5), d.ToString());
        d.Message.ShouldContain("comes before any anchor '&x'");
    }

    [Fact]
    public void Deep_block_nesting_is_refused_like_flow_nesting()
    {
        // "- - - x" nests a list in a list per dash, 2 bytes a level.
        var yaml = string.Concat(Enumerable.Repeat("- ", 100_000)) + "x\n";

        var d = JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem();

        // The dash at column 1 opens level 1; level 65 is the 65th dash, at column 1 + 2 * 64.
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM016", 1, 129), d.ToString());
    }

    [Fact]
    public void Nesting_64_levels_deep_is_within_the_limit()
    {
        // Root mapping plus 63 lists: 64 levels, the most allowed. The journey is wrong in other ways, not too deep.
        var yaml = Head + "description: " + new string('[', 63) + new string(']', 63) + "\n";

        JourneyFile.FromText(yaml).Diagnostics.ShouldNotContain(d => d.Code == "TM016");
    }

    [Fact]
    public void Hundred_thousand_aliases_of_a_1_KB_text_are_refused_where_the_expansion_passes_1_MiB()
    {
        // The report: a 300 KB journey naming one 1 KB anchored text 100,000 times saved cleanly and rendered 102 MB.
        var text = new string('x', 1024);
        var yaml = Head
            + $"description: &t {text}\n"
            + "stages:\n  - id: a\n    name: A\n    entry: Signed Up\n"
            + "    thoughts: [" + string.Join(',', Enumerable.Repeat("*t", 100_000)) + "]\n";
        yaml.Length.ShouldBeInRange(300_000, 310_000);

        var file = JourneyFile.FromText(yaml);

        var d = file.Diagnostics.ShouldHaveSingleItem();
        // The anchored node is measured as written from its anchor: "&t " and 1024 characters. The k-th alias is the
        // first to take the file's length plus k copies past the limit; aliases start at column 16, 3 characters apart.
        const int size = 3 + 1024;
        var k = ((JourneyLimits.MaxExpandedChars - yaml.Length) / size) + 1;
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM017", 9, 16 + (3 * (k - 1))), d.ToString());
        file.Journey.ShouldBeNull();
        file.HasErrors.ShouldBeTrue();
    }

    [Fact]
    public void Nested_aliases_that_double_at_each_level_are_refused_while_the_file_stays_small()
    {
        // "Billion laughs": each level names the previous one 10 times, so level 7 stands for 10^7 copies of 50 characters.
        var lines = new List<string> { "version: 1", "id: j", "title: J", "a0: &a0 " + new string('x', 50) };
        for (var i = 1; i <= 7; i++)
        {
            lines.Add($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]");
        }

        var file = JourneyFile.FromText(string.Join("\n", lines) + "\n");

        var d = file.Diagnostics.ShouldHaveSingleItem();
        d.Code.ShouldBe("TM017");
        file.Journey.ShouldBeNull();
    }

    [Fact]
    public void Alias_inside_the_list_it_names_is_refused()
    {
        var d = JourneyFile.FromText(Head + "tags: &t [one, *t]\n").Diagnostics.ShouldHaveSingleItem();

        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM017", 4, 16), d.ToString());
        d.Message.ShouldContain("contain itself");
    }

    [Fact]
    public void Aliases_within_the_limit_read_as_the_text_they_name()
    {
        var yaml = Head + """
            stages:
              - id: a
                name: A
                entry: &signup Signed Up
                kpis: [{ id: k, name: K, type: count, event: *signup, target: ">= 1" }]
            """;

        var file = JourneyFile.FromText(yaml);

        file.Diagnostics.ShouldBeEmpty();
        file.Journey!.Stages[0].Kpis[0].Event!.Event.ShouldBe("Signed Up");
    }

    [Fact]
    public void Text_over_1_MiB_is_one_TM019_at_the_start_naming_its_size()
    {
        // A valid journey padded with a comment to one byte over the limit.
        var yaml = Pad(ThirtyStages(30), JourneyLimits.MaxFileBytes + 1);

        var d = JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem();

        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM019", 1, 1));
        d.Message.ShouldContain("1,048,577 bytes");
    }

    [Fact]
    public void Text_of_exactly_1_MiB_is_read()
    {
        var yaml = Pad(ThirtyStages(30), JourneyLimits.MaxFileBytes);

        JourneyFile.FromText(yaml).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Size_counts_bytes_of_UTF8_not_characters()
    {
        // 600,000 characters of 'é' are 1,200,000 bytes.
        var yaml = Head + "description: " + new string('é', 600_000) + "\n";
        yaml.Length.ShouldBeLessThan(JourneyLimits.MaxFileBytes);

        JourneyFile.FromText(yaml).Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("TM019");
    }

    [Fact]
    public void A_50_MB_file_is_refused_without_being_read()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("trailmap-limits-").FullName, "big.yaml");
        try
        {
            using (var f = File.Create(path))
            {
                f.SetLength(50L * 1024 * 1024);
            }

            var watch = Stopwatch.StartNew();
            var d = JourneyFile.Load(path).Diagnostics.ShouldHaveSingleItem();

            (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM019", 1, 1));
            d.Message.ShouldContain("52,428,800 bytes");
            d.ToString().ShouldStartWith(path + ":1:1: error TM019: ");
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Thirty_measured_stages_validate_cleanly()
    {
        JourneyFile.FromText(ThirtyStages(30)).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Thirty_one_measured_stages_are_refused_at_the_entry_of_the_31st()
    {
        var file = JourneyFile.FromText(ThirtyStages(31));

        var d = file.Diagnostics.ShouldHaveSingleItem();
        // Stage k is on line 4 + k; its entry value starts at column 34 for two-digit k (see ThirtyStages).
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe(("TM018", 35, 34), d.ToString());
        d.Message.ShouldContain("stage 's31'");
        file.HasErrors.ShouldBeTrue();
    }

    [Fact]
    public void Stages_without_entry_do_not_count_toward_the_measured_limit()
    {
        // 40 stages, 30 of them measured: the others are lint warnings (TM105), not errors.
        var yaml = ThirtyStages(30) + string.Concat(Enumerable.Range(31, 10).Select(k =>
            $"  - {{ id: s{k}, name: S{k}, kpis: [{{ id: k{k}, name: K{k}, type: count, event: E{k}, target: \">= 1\" }}] }}\n"));

        var file = JourneyFile.FromText(yaml);

        file.HasErrors.ShouldBeFalse(string.Join("\n", file.Diagnostics));
        file.Journey!.Stages.Count.ShouldBe(40);
    }

    [Fact]
    public void The_largest_file_allowed_of_thousands_of_small_stages_is_read_in_bounded_time()
    {
        // The shape of the report (33,000 stages in 3.9 MB took 23 s on /api/validate), cut to the 1 MiB limit.
        var yaml = new StringBuilder(Head + "stages:\n");
        var bytes = yaml.Length;
        var n = 0;
        while (true)
        {
            var line = $"  - {{ id: s{n}, name: S{n}, pain_points: [slow], opportunities: [faster] }}\n";
            if (bytes + line.Length > JourneyLimits.MaxFileBytes)
            {
                break;
            }

            yaml.Append(line);
            bytes += line.Length;
            n++;
        }

        // About 79 bytes a stage.
        n.ShouldBeGreaterThan(13_000);
        var watch = Stopwatch.StartNew();
        var file = JourneyFile.FromText(yaml.ToString());

        // About a second on an idle machine; quadratic validation took about a minute here.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15));
        file.HasErrors.ShouldBeFalse();
        file.Journey!.Stages.Count.ShouldBe(n);
    }

    [Fact]
    public void Validating_20000_stages_with_pain_points_and_opportunities_takes_linear_time()
    {
        // Each stage used to collect every opportunity of the journey again: 20,000 x 20,000 set insertions.
        var stages = Enumerable.Range(0, 20_000).Select(i => new Stage
        {
            Id = $"s{i}",
            Name = $"S{i}",
            PainPoints = [new PainPoint { Id = $"p{i}", Text = "slow" }],
            Opportunities = [new Opportunity { Id = $"o{i}", Text = "faster", Addresses = [$"p{i}"] }],
        }).ToList();
        var journey = new Journey { Id = "wide", Title = "Wide", Stages = stages };

        var watch = Stopwatch.StartNew();
        var found = JourneyValidator.Validate(journey, "wide.yaml");

        // Linear work here is tens of milliseconds; the bound leaves room for a busy machine.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        found.ShouldNotContain(d => d.Code == "TM102");
    }

    [Fact]
    public void Thousands_of_unresolved_references_get_suggestions_only_for_the_first_twenty()
    {
        // A "did you mean" compares the reference with every stage id: 5,000 x 5,000 comparisons without a budget.
        var stages = Enumerable.Range(0, 5_000).Select(i => new Stage
        {
            Id = $"stage-{i}",
            Name = $"S{i}",
            Kpis = [new Metric { Id = $"k{i}", Name = "K", Type = MetricType.Conversion, From = $"stage-{i}x", To = $"stage-{i}", Target = Target.Parse(">= 1%") }],
        }).ToList();
        var journey = new Journey { Id = "wide", Title = "Wide", Stages = stages };

        var watch = Stopwatch.StartNew();
        var unresolved = JourneyValidator.Validate(journey, "wide.yaml").Where(d => d.Code == "TM007").ToList();

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        unresolved.Count.ShouldBe(5_000);
        unresolved.Count(d => d.Message.Contains("did you mean", StringComparison.Ordinal)).ShouldBe(20);
        unresolved[0].Message.ShouldContain("did you mean 'stage-0'?");
    }

    /// <summary>
    /// A clean journey of <paramref name="n"/> measured stages, one per line from line 5: stage k is
    /// "  - { id: sK, name: SK, entry: EK, ..." so for two-digit k its entry value starts at column 6 + 9 + 11 + 7 + 1 = 34.
    /// </summary>
    private static string ThirtyStages(int n) => Head + "stages:\n" + string.Concat(Enumerable.Range(1, n).Select(k =>
        $"  - {{ id: s{k}, name: S{k}, entry: E{k}, kpis: [{{ id: k{k}, name: K{k}, type: count, event: E{k}, target: \">= 1\" }}] }}\n"));

    /// <summary>The text followed by a comment line that makes it exactly <paramref name="bytes"/> bytes of UTF-8.</summary>
    private static string Pad(string yaml, int bytes)
    {
        var used = Encoding.UTF8.GetByteCount(yaml) + "# \n".Length;
        return yaml + "# " + new string('x', bytes - used) + "\n";
    }
}

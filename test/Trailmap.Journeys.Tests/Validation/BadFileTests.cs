using Shouldly;
using Trailmap.Journeys.Tests.Parsing;
using Trailmap.Journeys.Validation;
using Xunit;

namespace Trailmap.Journeys.Tests.Validation;

/// <summary>
/// One small broken file per diagnostic code. Each file is otherwise clean, so the expected finding is
/// the only one; lines and columns were counted by hand in the file.
/// </summary>
public sealed class BadFileTests
{
    public static TheoryData<string, string, int, int> Cases() => new()
    {
        { "TM001-bad-indentation.yaml", "TM001", 6, 4 },
        { "TM001-unclosed-bracket.yaml", "TM001", 3, 7 },
        { "TM002-unknown-key.yaml", "TM002", 7, 5 },
        { "TM003-missing-field.yaml", "TM003", 4, 5 },
        { "TM004-wrong-type.yaml", "TM004", 2, 8 },
        { "TM005-invalid-value.yaml", "TM005", 7, 40 },
        { "TM006-duplicate-id.yaml", "TM006", 9, 9 },
        { "TM007-unresolved-reference.yaml", "TM007", 10, 30 },
        { "TM008-invalid-filter.yaml", "TM008", 6, 22 },
        { "TM009-invalid-duration.yaml", "TM009", 3, 9 },
        { "TM010-invalid-target.yaml", "TM010", 12, 17 },
        { "TM011-score-outside-scale.yaml", "TM011", 7, 14 },
        { "TM012-duplicate-key.yaml", "TM012", 6, 5 },
        { "TM013-invalid-condition.yaml", "TM013", 12, 11 },
        { "TM014-invalid-time-zone.yaml", "TM014", 10, 64 },
        { "TM015-invalid-time-of-day.yaml", "TM015", 11, 11 },
        { "TM016-nesting-too-deep.yaml", "TM016", 4, 77 },
        { "TM017-aliases-too-large.yaml", "TM017", 4, 16 },
        { "TM018-too-many-measured-stages.yaml", "TM018", 35, 34 },
        { "TM020-window-on-first-measured-stage.yaml", "TM020", 6, 12 },
        { "TM101-stage-without-kpi.yaml", "TM101", 4, 5 },
        { "TM102-pain-point-without-opportunity.yaml", "TM102", 8, 9 },
        { "TM103-moment-without-deadline.yaml", "TM103", 10, 5 },
        { "TM104-kpi-without-target.yaml", "TM104", 8, 9 },
        { "TM105-unreachable-stage.yaml", "TM105", 4, 5 },
        { "TM106-target-unit-mismatch.yaml", "TM106", 13, 53 },
        { "TM107-feelings-not-in-lexicon.yaml", "TM107", 7, 26 },
        { "TM108-roadmap-item-unlinked.yaml", "TM108", 10, 5 },
        { "TM109-activation-path-without-target.yaml", "TM109", 10, 5 },
        { "TM110-cohort-cannot-match.yaml", "TM110", 14, 9 },
        { "TM111-flow-too-short.yaml", "TM111", 12, 12 },
        { "TM112-flow-runs-backwards.yaml", "TM112", 19, 9 },
    };

    /// <summary>Codes whose bad file would be over a megabyte; JourneyLimitsTests writes theirs on the fly.</summary>
    private static readonly string[] TooBigToKeep = ["TM019"];

    private static string BadFile(string name) => TestPaths.Tests("Validation", "Bad", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_file_reports_its_code_at_the_offending_key_or_value(string file, string code, int line, int column)
    {
        var result = JourneyFile.Load(BadFile(file));

        var d = result.Diagnostics.ShouldHaveSingleItem(string.Join("\n", result.Diagnostics));
        (d.Code, d.Location.Line, d.Location.Column).ShouldBe((code, line, column), d.ToString());
        d.Severity.ShouldBe(Codes.All.Single(c => c.Code == code).Severity);
        d.ToString().ShouldStartWith($"{BadFile(file)}:{line}:{column}: {(d.Severity == Severity.Error ? "error" : "warning")} {code}: ");
    }

    [Fact]
    public void Every_code_has_a_bad_file_and_a_case()
    {
        var files = Directory.GetFiles(TestPaths.Tests("Validation", "Bad"), "*.yaml").Select(Path.GetFileName).ToList();
        var cases = Cases().Select(row => row.Data.Item1).ToList();
        foreach (var code in Codes.All.Where(c => !TooBigToKeep.Contains(c.Code)))
        {
            files.ShouldContain(f => f!.StartsWith(code.Code + "-", StringComparison.Ordinal), $"no bad file for {code.Code}");
        }

        cases.ShouldBe(files, ignoreOrder: true);
    }

    [Fact]
    public void Duplicate_key_names_the_key_and_points_at_the_second_one()
    {
        var d = JourneyFile.Load(BadFile("TM012-duplicate-key.yaml")).Diagnostics.Single();
        d.Message.ShouldContain("'name' appears twice");
    }

    [Fact]
    public void Unclosed_bracket_is_a_located_syntax_error_not_a_crash()
    {
        var d = JourneyFile.Load(BadFile("TM001-unclosed-bracket.yaml")).Diagnostics.Single();
        d.Message.ShouldContain("never closed");
    }
}

using Trailmap.Web.Editing;

namespace Trailmap.Web.Tests.Editing;

public sealed class LineDiffTests
{
    [Fact]
    public void Rows_number_both_sides_and_mark_removed_and_added_lines()
    {
        // Old: a b c d; new: a B c d e. Written by hand: b (old 2) goes, B (new 2) comes, e (new 5) is added at the end.
        var rows = LineDiff.Lines("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
        rows.ShouldBe(
        [
            new DiffRow(DiffKind.Same, 1, 1, "a"),
            new DiffRow(DiffKind.Removed, 2, null, "b"),
            new DiffRow(DiffKind.Added, null, 2, "B"),
            new DiffRow(DiffKind.Same, 3, 3, "c"),
            new DiffRow(DiffKind.Same, 4, 4, "d"),
            new DiffRow(DiffKind.Added, null, 5, "e"),
        ]);
    }

    [Fact]
    public void Indentation_is_a_change()
    {
        var rows = LineDiff.Lines("a:\n  b: 1\n", "a:\n    b: 1\n");
        rows.Count(r => r.Kind != DiffKind.Same).ShouldBe(2);
    }

    [Fact]
    public void Long_unchanged_runs_fold_to_one_row_with_their_length()
    {
        // 20 lines, line 10 changed: lines 7-13 are shown (3 either side), 1-6 and 14-20 fold (6 and 7 lines).
        var old = string.Join("\n", Enumerable.Range(1, 20).Select(i => "line " + i)) + "\n";
        var changed = old.Replace("line 10\n", "line ten\n", StringComparison.Ordinal);
        var folded = LineDiff.Folded(LineDiff.Lines(old, changed));
        folded.Select(r => r.Kind == DiffKind.Skipped ? $"skip {r.Skipped}" : $"{r.Kind} {r.Text}").ShouldBe(
        [
            "skip 6", "Same line 7", "Same line 8", "Same line 9", "Removed line 10", "Added line ten", "Same line 11", "Same line 12", "Same line 13", "skip 7",
        ]);
    }
}

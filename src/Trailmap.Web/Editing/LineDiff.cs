using DiffPlex;

namespace Trailmap.Web.Editing;

public enum DiffKind { Same, Removed, Added, Skipped }

/// <summary>
/// One row of a line diff: a line only in the old text (<see cref="DiffKind.Removed"/>), only in the new one,
/// in both, or a run of unchanged lines left out (<see cref="Skipped"/> says how many).
/// </summary>
public sealed record DiffRow(DiffKind Kind, int? OldLine, int? NewLine, string Text, int Skipped = 0);

/// <summary>A line diff of two journey texts (DiffPlex), numbered on both sides, with long unchanged runs folded.</summary>
public static class LineDiff
{
    /// <summary>Unchanged lines shown around each change.</summary>
    public const int Context = 3;

    /// <summary>Every line of both texts in order; whitespace counts, since indentation is meaning in YAML.</summary>
    public static IReadOnlyList<DiffRow> Lines(string oldText, string newText)
    {
        var diff = Differ.Instance.CreateLineDiffs(oldText, newText, false); // false: do not ignore whitespace
        var rows = new List<DiffRow>();
        int a = 0, b = 0;
        void Same(int untilA)
        {
            for (; a < untilA; a++, b++)
            {
                rows.Add(new DiffRow(DiffKind.Same, a + 1, b + 1, diff.PiecesOld[a]));
            }
        }

        foreach (var block in diff.DiffBlocks)
        {
            Same(block.DeleteStartA);
            for (var i = 0; i < block.DeleteCountA; i++, a++)
            {
                rows.Add(new DiffRow(DiffKind.Removed, a + 1, null, diff.PiecesOld[a]));
            }

            for (var i = 0; i < block.InsertCountB; i++, b++)
            {
                rows.Add(new DiffRow(DiffKind.Added, null, b + 1, diff.PiecesNew[b]));
            }
        }

        Same(diff.PiecesOld.Count);

        // Texts that end with a line break leave an empty last piece on both sides; it is no line of the file.
        if (rows is [.., { Kind: DiffKind.Same, Text: "" }] && oldText.EndsWith('\n') && newText.EndsWith('\n'))
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return rows;
    }

    /// <summary>The rows with unchanged runs longer than twice <see cref="Context"/> folded into one skipped row.</summary>
    public static IReadOnlyList<DiffRow> Folded(IReadOnlyList<DiffRow> rows, int context = Context)
    {
        var changed = rows.Select((r, i) => (r, i)).Where(x => x.r.Kind != DiffKind.Same).Select(x => x.i).ToList();
        var keep = new bool[rows.Count];
        foreach (var i in changed)
        {
            for (var j = Math.Max(0, i - context); j <= Math.Min(rows.Count - 1, i + context); j++)
            {
                keep[j] = true;
            }
        }

        var folded = new List<DiffRow>();
        for (var i = 0; i < rows.Count;)
        {
            if (keep[i])
            {
                folded.Add(rows[i++]);
                continue;
            }

            var start = i;
            while (i < rows.Count && !keep[i])
            {
                i++;
            }

            folded.Add(new DiffRow(DiffKind.Skipped, rows[start].OldLine, rows[start].NewLine, "", i - start));
        }

        return folded;
    }
}

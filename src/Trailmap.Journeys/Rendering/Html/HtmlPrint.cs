namespace Trailmap.Journeys.Rendering;

/// <summary>
/// The printed map: a map wider than a page is cut into blocks of whole stage columns, each block starting a page
/// with its own stage headers and lane labels, so nothing shrinks to unreadable and no column is cut.
/// </summary>
public static class HtmlPrint
{
    /// <summary>Width of the lane label column in print, in CSS pixels.</summary>
    public const int LabelWidth = 136;

    /// <summary>
    /// The blocks (first stage index, stage count) for <paramref name="stages"/> stages at most
    /// <paramref name="perBlock"/> a block, balanced so the last page is not left with one lonely column:
    /// 9 stages at 7 a page print as 5 and 4, not 7 and 2.
    /// </summary>
    public static IReadOnlyList<(int Start, int Count)> Blocks(int stages, int perBlock)
    {
        if (stages <= 0)
        {
            return [];
        }

        if (perBlock <= 0 || perBlock >= stages)
        {
            return [(0, stages)];
        }

        var count = (stages + perBlock - 1) / perBlock;
        var blocks = new List<(int, int)>(count);
        var start = 0;
        for (var b = 0; b < count; b++)
        {
            // The first (stages % count) blocks take one extra stage.
            var size = (stages / count) + (b < stages % count ? 1 : 0);
            blocks.Add((start, size));
            start += size;
        }

        return blocks;
    }
}

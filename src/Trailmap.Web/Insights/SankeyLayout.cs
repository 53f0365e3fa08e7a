using Trailmap.Analytics.Paths;

namespace Trailmap.Web.Insights;

/// <summary>A node's box in the drawing.</summary>
public sealed record SankeyBox(SankeyNode Node, double X, double Y, double Height);

/// <summary>A link's band: a curve from the source box's right edge to the target box's left edge, as thick as its customers.</summary>
public sealed record SankeyBand(SankeyLink Link, SankeyNode Source, SankeyNode Target, double X0, double Y0, double X1, double Y1, double Thickness);

/// <summary>
/// Places a <see cref="PathSankey"/> for an SVG drawn on the server: one column per step in time order, nodes stacked
/// in the Sankey's order with heights in proportion to their customers (one scale for the whole drawing, so the anchor
/// column is full height), and each node's links stacked in the order of their other end so that bands do not cross
/// within a node.
/// </summary>
public sealed record SankeyLayout(double Width, double Height, IReadOnlyList<SankeyBox> Boxes, IReadOnlyList<SankeyBand> Bands)
{
    public const double NodeWidth = 14, Gap = 14, Top = 8, Area = 420, Margin = 170, MinHeight = 2;

    public static SankeyLayout Of(PathSankey sankey, double width = 980)
    {
        ArgumentNullException.ThrowIfNull(sankey);
        var columns = sankey.Nodes.Select(n => n.Step).Distinct().Order().ToList();
        var span = columns.Count > 1 ? (width - (2 * Margin) - NodeWidth) / (columns.Count - 1) : 0;
        var most = sankey.Nodes.GroupBy(n => n.Step).Max(g => g.Count());
        var scale = sankey.Customers > 0 ? Math.Max(0, Area - ((most - 1) * Gap)) / sankey.Customers : 0;
        var boxes = new SankeyBox[sankey.Nodes.Count];
        foreach (var column in sankey.Nodes.GroupBy(n => n.Step))
        {
            var x = Margin + (columns.IndexOf(column.Key) * span);
            var y = Top;
            foreach (var node in column)
            {
                var h = Math.Max(MinHeight, node.Customers * scale);
                boxes[node.Id] = new SankeyBox(node, x, y, h);
                y += h + Gap;
            }
        }

        var outUsed = new double[boxes.Length];
        var inUsed = new double[boxes.Length];
        var bands = new List<SankeyBand>(sankey.Links.Count);
        // Links are ordered by source then target, and ids follow the drawing's order, so each node's bands stack downwards.
        foreach (var link in sankey.Links.OrderBy(l => l.Source).ThenBy(l => l.Target))
        {
            var t = Math.Max(1, link.Customers * scale);
            var (s, d) = (boxes[link.Source], boxes[link.Target]);
            var y0 = s.Y + outUsed[link.Source] + (t / 2);
            outUsed[link.Source] += link.Customers * scale;
            bands.Add(new SankeyBand(link, s.Node, d.Node, s.X + NodeWidth, y0, d.X, 0, t));
        }

        foreach (var group in bands.Select((b, i) => (b, i)).GroupBy(x => x.b.Link.Target))
        {
            foreach (var (b, i) in group.OrderBy(x => x.b.Link.Source))
            {
                bands[i] = b with { Y1 = boxes[group.Key].Y + inUsed[group.Key] + (b.Thickness / 2) };
                inUsed[group.Key] += b.Link.Customers * scale;
            }
        }

        var height = Math.Max(Top + MinHeight, boxes.Max(b => b.Y + b.Height)) + Top;
        return new SankeyLayout(width, height, boxes, bands);
    }
}

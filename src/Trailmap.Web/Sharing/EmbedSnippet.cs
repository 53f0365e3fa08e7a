using System.Net;

namespace Trailmap.Web.Sharing;

/// <summary>
/// The iframe markup that puts a shared map on another site. The share page and the share-link API hand out the
/// same text, so what a reader copies from either is identical.
/// </summary>
public static class EmbedSnippet
{
    /// <summary>The iframe's height in CSS pixels: a map's header, stage headers and first lanes show without scrolling.</summary>
    public const int Height = 720;

    public static string For(string embedUrl, string title) =>
        $"<iframe src=\"{WebUtility.HtmlEncode(embedUrl)}\" title=\"{WebUtility.HtmlEncode(title)}\" width=\"100%\" height=\"{Height}\" style=\"border:0\" loading=\"lazy\"></iframe>";
}

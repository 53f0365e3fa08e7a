using System.Net;
using System.Text;

namespace Trailmap.Delivery;

/// <summary>The rendered parts of one email.</summary>
public sealed record ComposedEmail(string Subject, string Text, string Html);

/// <summary>
/// Renders an email's subject, text and HTML parts: from the action's template files when its <c>template</c> names
/// any, else the fallback built from its <c>subject</c> and <c>message</c>. Every part carries the unsubscribe link.
/// </summary>
public sealed class EmailComposer(EmailTemplates templates)
{
    public const string UnsubscribeVariable = "unsubscribe_url";

    /// <exception cref="TemplateError">A template does not parse or render, or the action gives nothing to send.</exception>
    public async Task<ComposedEmail> ComposeAsync(OutboxEntry entry, string unsubscribeUrl)
    {
        var action = entry.Action;
        var model = TemplateModel.Build(entry, new Dictionary<string, string?> { [UnsubscribeVariable] = unsubscribeUrl });
        var files = action.Template is { Length: > 0 } name ? templates.Load(name) : new EmailTemplateFiles(null, null, null);
        var where = $"rule {entry.RuleId}";

        var subjectTemplate = files.Subject ?? Inline(action.Subject, $"{where}: subject");
        if (subjectTemplate is null)
        {
            throw new TemplateError(action.Template is { Length: > 0 } t
                ? $"{where}: email template '{t}' has no {t}.subject.liquid in {templates.Folder ?? "(no template folder configured)"} and the action has no subject; add the file or a subject"
                : $"{where}: the email action has neither a template nor a subject");
        }

        // One line: a newline in a subject would start a new header in a careless client.
        var subject = OneLine(await subjectTemplate.RenderAsync(model, Escaping.None).ConfigureAwait(false));

        var textTemplate = files.Text ?? Inline(action.Message, $"{where}: message");
        var text = textTemplate is null ? subject : await textTemplate.RenderAsync(model, Escaping.None).ConfigureAwait(false);
        if (textTemplate?.Mentions(UnsubscribeVariable) != true)
        {
            text = text.TrimEnd() + "\n\n--\nUnsubscribe: " + unsubscribeUrl + "\n";
        }

        string html;
        if (files.Html is { } htmlTemplate)
        {
            html = await htmlTemplate.RenderAsync(model, Escaping.Html).ConfigureAwait(false);
            if (!htmlTemplate.Mentions(UnsubscribeVariable))
            {
                html = WithFooter(html, unsubscribeUrl);
            }
        }
        else
        {
            html = FallbackHtml(subject, textTemplate is null ? subject : await textTemplate.RenderAsync(model, Escaping.None).ConfigureAwait(false), unsubscribeUrl);
        }

        return new ComposedEmail(subject, text, html);
    }

    private static LiquidTemplate? Inline(string? source, string origin) =>
        string.IsNullOrWhiteSpace(source) ? null : LiquidTemplate.ParseCached(source, origin);

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Plain text to HTML: everything escaped (the whole text is data here), blank lines make paragraphs.</summary>
    private static string FallbackHtml(string subject, string text, string unsubscribeUrl)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(subject))
            .Append("</title></head>\n<body>\n");
        var paragraphs = text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var paragraph in paragraphs)
        {
            html.Append("<p>")
                .Append(string.Join("<br>\n", paragraph.Split('\n').Select(WebUtility.HtmlEncode)))
                .Append("</p>\n");
        }

        html.Append(Footer(unsubscribeUrl)).Append("</body></html>\n");
        return html.ToString();
    }

    private static string WithFooter(string html, string unsubscribeUrl)
    {
        var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? html + Footer(unsubscribeUrl) : html[..end] + Footer(unsubscribeUrl) + html[end..];
    }

    private static string Footer(string unsubscribeUrl) =>
        $"<p style=\"font-size:12px;color:#666\"><a href=\"{WebUtility.HtmlEncode(unsubscribeUrl)}\">Unsubscribe</a></p>\n";
}

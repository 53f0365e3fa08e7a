using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Trailmap.Delivery;

/// <summary>How values written by <c>{{ ... }}</c> are escaped; the template's own text is never touched.</summary>
public enum Escaping
{
    /// <summary>Plain text: subjects, text parts, webhook and in-app messages.</summary>
    None,
    /// <summary>HTML: &lt; &gt; &amp; and quotes become entities, so customer data cannot inject markup.</summary>
    Html,
    /// <summary>Slack mrkdwn: &amp; &lt; &gt; become entities, as Slack asks, so data cannot forge links or mentions.</summary>
    Slack,
}

/// <summary>
/// One parsed Liquid template (Scriban's Liquid mode). Rendering escapes every value an expression writes according
/// to <see cref="Escaping"/>, so a template author writes <c>{{ customer.name }}</c> and never thinks of escaping.
/// </summary>
public sealed class LiquidTemplate
{
    private readonly Template template;

    private LiquidTemplate(Template template, string origin)
    {
        this.template = template;
        Origin = origin;
    }

    /// <summary>Where the text came from (a file path, or "rule X: message"), used in error messages.</summary>
    public string Origin { get; }

    /// <summary>Whether the source mentions <paramref name="variable"/> at all (used to add an unsubscribe footer only when missing).</summary>
    public bool Mentions(string variable) => Source.Contains(variable, StringComparison.Ordinal);

    private string Source { get; init; } = "";

    /// <exception cref="TemplateError">The text is not valid Liquid; the message has origin:line:column.</exception>
    public static LiquidTemplate Parse(string source, string origin)
    {
        var parsed = Template.ParseLiquid(source, origin);
        if (parsed.HasErrors)
        {
            var first = parsed.Messages.First(m => m.Type == ParserMessageType.Error);
            throw new TemplateError(Located(origin, first.Span, first.Message)
                + ". Fix the Liquid syntax (tags are {% if %}...{% endif %}, values {{ customer.name }}).");
        }

        return new LiquidTemplate(parsed, origin) { Source = source };
    }

    /// <summary>
    /// <see cref="Parse"/>, remembered: a rule's messages all carry the same template text, and parsing costs far more
    /// than rendering, so the channels parse each text once. A parsed template is immutable and safe to render from
    /// several threads (each render has its own context). Bounded: emptied when full, a miss only costs a parse.
    /// </summary>
    /// <exception cref="TemplateError">The text is not valid Liquid (not remembered: the next call reports it again).</exception>
    public static LiquidTemplate ParseCached(string source, string origin)
    {
        if (Cache.TryGetValue((source, origin), out var template))
        {
            return template;
        }

        if (Cache.Count >= 1024)
        {
            Cache.Clear();
        }

        return Cache[(source, origin)] = Parse(source, origin);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), LiquidTemplate> Cache = new();

    /// <exception cref="TemplateError">Rendering failed (a loop too long, a bad filter argument).</exception>
    public async Task<string> RenderAsync(ScriptObject model, Escaping escaping)
    {
        var context = new EscapingContext(escaping)
        {
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            LoopLimit = 10_000,
        };
        context.PushGlobal(model);
        try
        {
            return await template.RenderAsync(context).ConfigureAwait(false);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new TemplateError(Located(Origin, e.Span, e.OriginalMessage));
        }
    }

    private static string Located(string origin, SourceSpan span, string message) =>
        span.Start.Line >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{origin}:{span.Start.Line + 1}:{span.Start.Column + 1}: {message}")
            : $"{origin}: {message}";

    /// <summary>Escapes what expressions write (Scriban routes every <c>{{ }}</c> output through these two methods).</summary>
    private sealed class EscapingContext(Escaping escaping) : LiquidTemplateContext
    {
        // Keeps letters such as é readable instead of &#233;; still encodes < > & ' ".
        private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

        public override TemplateContext Write(SourceSpan span, object? textAsObject) =>
            Write(Escape(ObjectToString(textAsObject)));

        public override ValueTask<TemplateContext> WriteAsync(SourceSpan span, object? textAsObject) =>
            WriteAsync(Escape(ObjectToString(textAsObject)));

        private string Escape(string? text) => escaping switch
        {
            _ when string.IsNullOrEmpty(text) => "",
            Escaping.Html => Html.Encode(text),
            Escaping.Slack => SlackText.Escape(text),
            _ => text,
        };
    }
}

internal static class SlackText
{
    // https://api.slack.com/reference/surfaces/formatting#escaping: only these three.
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
}

using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>The document's header, its research findings and its insight statements.</summary>
public static partial class JourneyParser
{
    private sealed partial class Reader
    {
        private DocumentInfo? Document(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "document", "the document header");
            if (f is null)
            {
                return null;
            }

            var date = f.Text("date");
            if (date is not null && !DocumentInfo.IsValidDate(date))
            {
                ctx.Report(Codes.InvalidValue, f.Node("date")!, $"'{date}' is not a date: write the day as 2023-10-26 (or the month as 2023-10), as the document dates it");
                date = null;
            }

            return new DocumentInfo
            {
                Author = f.Text("author"),
                PreparedFor = f.Text("prepared_for"),
                Version = f.Text("version"),
                Date = date?.Trim(),
                Status = f.Enum<DocumentStatus>("status"),
                Audience = f.TextList("audience"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Finding? Finding(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "finding", "a finding");
            var text = f?.Text("text", required: true);
            if (f is null || text is null)
            {
                return null;
            }

            return new Finding
            {
                Id = f.Id(required: false) ?? $"finding-{index + 1}",
                Text = text,
                Source = f.Text("source"),
                Evidence = f.Text("evidence"),
                Stages = f.TextList("stages"),
                Personas = f.TextList("personas"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private Insight? Insight(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "insight", "an insight");
            var text = f?.Text("text", required: true);
            if (f is null || text is null)
            {
                return null;
            }

            return new Insight
            {
                Id = f.Id(required: false) ?? $"insight-{index + 1}",
                Text = text,
                Findings = f.TextList("findings"),
                Stages = f.TextList("stages"),
                Opportunities = f.TextList("opportunities"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }
    }
}

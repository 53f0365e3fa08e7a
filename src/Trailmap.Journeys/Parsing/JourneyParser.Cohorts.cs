using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>The <c>cohorts:</c> section: saved groups of customers, by behaviour, traits or a list of ids.</summary>
public static partial class JourneyParser
{
    /// <summary>The most ids a saved cohort list may hold (the file's 1 MiB limit bounds it too).</summary>
    public const int MaxCohortIds = 100_000;

    /// <summary>Whether <paramref name="id"/> is an id the format accepts (letters, digits, '-', '_', starting with a letter or digit).</summary>
    public static bool IsValidId(string id) => Ids.IsValid(id);

    private sealed partial class Reader
    {
        private Cohort? Cohort(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "cohort", $"cohort {index + 1}");
            var id = f?.Id();
            if (f is null || id is null)
            {
                return null;
            }

            var what = $"cohort '{id}'";
            var did = f.List("did", (n, i) => CohortRule(n, $"entry {i + 1} of 'did' in {what}", negative: false));
            var didNot = f.List("did_not", (n, i) => CohortRule(n, $"entry {i + 1} of 'did_not' in {what}", negative: true));
            var traits = FilterOf(f, "traits");
            IReadOnlyList<string>? ids = null;
            if (f.Has("ids"))
            {
                ids = f.TextList("ids");
                if (ids.Count > MaxCohortIds)
                {
                    ctx.Report(Codes.InvalidValue, f.Node("ids")!, $"{what} lists {ids.Count:N0} ids, and a saved cohort holds at most {MaxCohortIds:N0}; define it by behaviour or traits instead");
                    ids = [.. ids.Take(MaxCohortIds)];
                }

                if (did.Count > 0 || didNot.Count > 0 || traits is not null)
                {
                    ctx.Report(Codes.InvalidValue, f.Node("ids") ?? (YamlNode)node, $"{what} has both 'ids' and rules (did, did_not, traits); a cohort is either a saved list of ids or rules, so split it into two cohorts");
                }
            }
            else if (!f.Has("did") && !f.Has("did_not") && !f.Has("traits"))
            {
                ctx.Report(Codes.MissingField, f.Location, $"{what} needs what makes a member: 'did', 'did_not', 'traits' (all must hold) or 'ids' (a saved list)");
            }

            return new Cohort
            {
                Id = id,
                Name = f.Text("name"),
                Description = f.Text("description"),
                Did = did,
                DidNot = didNot,
                Traits = traits,
                Ids = ids,
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        /// <summary>One did or did_not entry: an event name alone, or a mapping with counts and a window.</summary>
        private CohortEventRule? CohortRule(YamlNode node, string what, bool negative)
        {
            if (node is YamlScalarNode { Value: { } name })
            {
                return new CohortEventRule { Event = new EventCondition { Event = name, Location = ParseContext.At(node) }, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "cohort_rule", what);
            var ev = f?.Text("event", required: true);
            if (f is null || ev is null)
            {
                return null;
            }

            var atLeast = f.Integer("at_least");
            var atMost = f.Integer("at_most");
            if (negative && (f.Has("at_least") || f.Has("at_most")))
            {
                ctx.Report(Codes.InvalidValue, f.Node("at_least") ?? f.Node("at_most")!, $"{what}: 'did_not' means no such event at all, so it takes no count; for 'at most N times' write a 'did' entry with at_most");
                atLeast = null;
                atMost = null;
            }

            if (atLeast is < 0)
            {
                ctx.Report(Codes.InvalidValue, f.Node("at_least")!, $"{what}: 'at_least' must be 0 or more, found {atLeast}");
                atLeast = null;
            }

            if (atMost is < 0)
            {
                ctx.Report(Codes.InvalidValue, f.Node("at_most")!, $"{what}: 'at_most' must be 0 or more, found {atMost}; for 'never' write a 'did_not' entry");
                atMost = null;
            }

            if (atLeast is { } least && atMost is { } most && least > most)
            {
                ctx.Report(Codes.InvalidValue, f.Node("at_most")!, $"{what}: 'at_least' ({least}) is more than 'at_most' ({most}), so no customer could match; swap them or widen the range");
            }

            var of = f.Node("of") is { } ofNode ? EventCondition(ofNode, $"'of' in {what}") : null;
            var within = f.Duration("within");
            if (within is { } w && of is null)
            {
                ctx.Report(Codes.MissingField, f.Node("within")!, $"{what}: 'within {w.Text}' counts from an event; add 'of', the event whose first occurrence opens the window (e.g. of: signed_up)");
                within = null;
            }

            if (within is { } span && span.Span < TimeSpan.Zero)
            {
                ctx.Report(Codes.InvalidDuration, f.Node("within")!, $"{what}: 'within' cannot be negative, found '{span.Text}'");
                within = null;
            }

            return new CohortEventRule
            {
                Event = new EventCondition { Event = ev, Where = FilterOf(f, "where"), Location = f.LocationOf("event") },
                AtLeast = atLeast ?? 1,
                AtMost = atMost,
                Of = of,
                Within = within,
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }
    }
}

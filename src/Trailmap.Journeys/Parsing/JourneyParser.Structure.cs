using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>Triggers, programs, activation paths, cohort targets and roadmap items: the journey-wide parts of a document.</summary>
public static partial class JourneyParser
{
    private sealed partial class Reader
    {
        private JourneyTrigger? Trigger(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "trigger", "a trigger");
            var id = f?.Id();
            var name = f?.Text("name", required: true);
            var kind = f?.Enum<TriggerKind>("kind");
            if (f is not null && !f.Has("kind"))
            {
                ctx.Report(Codes.MissingField, f.Location, "a trigger needs 'kind': natural (it happens in the customer's world) or engineered (the company sets it up)");
            }

            if (f is null || id is null || name is null || kind is null)
            {
                return null;
            }

            return new JourneyTrigger
            {
                Id = id,
                Name = name,
                Kind = kind.Value,
                Stages = f.TextList("stages"),
                Description = f.Text("description"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private JourneyProgram? Program(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "program", "a program");
            var id = f?.Id();
            var name = f?.Text("name", required: true);
            if (f is null || id is null || name is null)
            {
                return null;
            }

            return new JourneyProgram
            {
                Id = id,
                Name = name,
                Kind = f.Enum<ProgramKind>("kind"),
                Stages = f.TextList("stages"),
                Steps = f.TextList("steps"),
                Rewards = f.List("rewards", (n, _) => Reward(n)),
                Tracking = f.TextList("tracking"),
                Kpis = f.TextList("kpis"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private ProgramReward? Reward(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "program_reward", "a program reward");
            var to = f?.Text("to", required: true);
            var reward = f?.Text("reward", required: true);
            return to is null || reward is null ? null : new ProgramReward { To = to, Reward = reward };
        }

        private ActivationPath? ActivationPath(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "activation_path", "an activation path");
            var id = f?.Id();
            var name = f?.Text("name", required: true);
            if (f is null || id is null || name is null)
            {
                return null;
            }

            return new ActivationPath
            {
                Id = id,
                Name = name,
                Definition = f.Text("definition"),
                Stage = f.Text("stage"),
                TimeToValue = f.Target("time_to_value"),
                Rate = f.Target("rate"),
                ChokePoints = f.TextList("choke_points"),
                Kpis = f.TextList("kpis"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private CohortTarget? CohortTarget(YamlNode node, int index)
        {
            var f = Fields.Open(node, ctx, "cohort_target", "a cohort target");
            var cohort = f?.Text("cohort", required: true);
            if (f is null || cohort is null)
            {
                return null;
            }

            return new CohortTarget
            {
                Id = f.Id(required: false) ?? $"cohort-{index + 1}",
                Cohort = cohort,
                Measure = f.Text("measure"),
                Target = f.Target("target"),
                Action = f.Text("action"),
                Kpi = f.Text("kpi"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        private CustomerState? CustomerState(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "customer_state", "a customer state");
            var name = f?.Text("name", required: true);
            if (f is null || name is null)
            {
                return null;
            }

            return new CustomerState
            {
                Id = f.Id(required: false) ?? Ids.Slug(name),
                Name = name,
                Description = f.Text("description"),
                Stages = f.TextList("stages"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        /// <summary>A related document: a title and a URL that is http, https or a relative path.</summary>
        private JourneyLink? Link(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "link", "a link");
            var title = f?.Text("title", required: true);
            var url = f?.Text("url", required: true)?.Trim();
            if (f is null || title is null || url is null)
            {
                return null;
            }

            if (JourneyLink.Problem(url) is { } problem)
            {
                ctx.Report(Codes.InvalidValue, f.Node("url")!, $"'{Clip(url)}' is not a link the map can carry: {problem}");
                return null;
            }

            return new JourneyLink { Title = title, Url = url, Location = f.Location, ValueLocations = f.ValueLocations() };
        }

        /// <summary>A value quoted in a message, cut to a readable length.</summary>
        private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";

        /// <summary>A touchpoint's or action's 'cadence', checked against the words and 'every' durations it accepts.</summary>
        private string? CadenceOf(Fields f)
        {
            var cadence = f.Text("cadence");
            if (cadence is not null && Model.Cadence.Problem(cadence) is { } problem)
            {
                ctx.Report(Codes.InvalidValue, f.Node("cadence")!, $"'{cadence}' is not a cadence: {problem}");
                return null;
            }

            return cadence?.Trim();
        }

        private RoadmapItem? RoadmapItem(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "roadmap_item", "a roadmap item");
            var id = f?.Id();
            var name = f?.Text("name", required: true);
            var due = f?.Text("due");
            if (f is null || id is null || name is null)
            {
                return null;
            }

            if (due is not null && !Model.RoadmapItem.IsValidDue(due))
            {
                ctx.Report(Codes.InvalidValue, f.Node("due")!, $"'{due}' is not a due date: {Model.RoadmapItem.DueHelp}");
            }

            return new RoadmapItem
            {
                Id = id,
                Name = name,
                Due = due,
                Owner = f.Text("owner"),
                Status = f.Enum<OpportunityStatus>("status"),
                Opportunities = f.TextList("opportunities"),
                Kpis = f.TextList("kpis"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }
    }
}

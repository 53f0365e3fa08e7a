using System.Text.RegularExpressions;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Validation;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Parsing;

/// <summary>Flows: ordered steps, written as a list or as the document's own arrow-joined line.</summary>
public static partial class JourneyParser
{
    private sealed partial class Reader
    {
        private JourneyFlow? Flow(YamlNode node)
        {
            var f = Fields.Open(node, ctx, "flow", "a flow");
            var id = f?.Id();
            var name = f?.Text("name", required: true);
            if (f is null || id is null || name is null)
            {
                return null;
            }

            return new JourneyFlow
            {
                Id = id,
                Name = name,
                Description = f.Text("description"),
                Stage = f.Text("stage"),
                Touchpoint = f.Text("touchpoint"),
                Steps = FlowSteps(f, $"flow '{id}'"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        /// <summary>
        /// The steps: a list (each a name or a mapping with name, stage and touchpoint), or one line joined by arrows
        /// (<c>-&gt;</c>, <c>→</c>, <c>⟶</c> or <c>=&gt;</c>) as documents draw a flow.
        /// </summary>
        private IReadOnlyList<FlowStep> FlowSteps(Fields f, string where)
        {
            var node = f.Node("steps");
            if (node is null)
            {
                ctx.Report(Codes.MissingField, f.Location, $"{where} needs 'steps': a list of the steps in order, or one line such as \"Landing -> Signup -> Onboarding\"");
                return [];
            }

            IReadOnlyList<FlowStep> steps;
            if (node is YamlScalarNode { Value: { } line })
            {
                var parts = Arrow().Split(line.Trim());
                var empty = Array.FindIndex(parts, p => p.Length == 0);
                if (empty >= 0)
                {
                    ctx.Report(Codes.InvalidValue, node, $"step {empty + 1} of {where} is empty in '{Clip(line)}': write a name between each pair of arrows, e.g. \"Landing -> Signup -> Onboarding\"");
                    return [];
                }

                steps = [.. parts.Select(p => new FlowStep { Name = p, Location = ParseContext.At(node) })];
            }
            else
            {
                steps = f.List("steps", (n, _) => FlowStep(n));
            }

            if (steps.Count > JourneyFlow.MaxSteps)
            {
                ctx.Report(Codes.InvalidValue, node, $"{where} has {steps.Count} steps; a flow may have at most {JourneyFlow.MaxSteps}: split it into several flows");
                return [];
            }

            return steps;
        }

        private FlowStep? FlowStep(YamlNode node)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } text })
            {
                return new FlowStep { Name = text, Location = ParseContext.At(node) };
            }

            var f = Fields.Open(node, ctx, "flow_step", "a flow step");
            var name = f?.Text("name", required: true);
            if (f is null || name is null)
            {
                return null;
            }

            return new FlowStep
            {
                Name = name,
                Stage = f.Text("stage"),
                Touchpoint = f.Text("touchpoint"),
                Location = f.Location,
                ValueLocations = f.ValueLocations(),
            };
        }

        // The arrows documents join steps with, with the spaces around them.
        [GeneratedRegex(@"\s*(?:->|→|⟶|=>|⇒)\s*")]
        private static partial Regex Arrow();
    }
}

using Trailmap.Web.Journeys;

namespace Trailmap.Web.Editing;

/// <summary>An edit refused because <see cref="Latest"/> was saved after <see cref="Base"/>, the version the edit started from.</summary>
public sealed record EditConflict(JourneyVersion Base, JourneyVersion Latest)
{
    public IReadOnlyList<DiffRow> Rows { get; } = LineDiff.Lines(Base.Yaml, Latest.Yaml);
}

using System.Text.Json;
using Shouldly;
using Trailmap.Journeys.Rendering;
using Xunit;

namespace Trailmap.Journeys.Tests.Rendering;

public class JsonRendererTests
{
    [Fact]
    public void Complete_sample_matches_the_golden_file() =>
        TextFormatFiles.MatchesGolden(JsonRenderer.Render(TextFormatFiles.CompleteSample()), "complete.json");

    [Fact]
    public void Without_actuals_the_output_is_the_journey_object_itself()
    {
        using var doc = JsonDocument.Parse(JsonRenderer.Render(TextFormatFiles.CompleteSample()));

        doc.RootElement.GetProperty("id").GetString().ShouldBe("team-trial");
        doc.RootElement.TryGetProperty("journey", out _).ShouldBeFalse();
    }

    [Fact]
    public void With_actuals_the_journey_and_the_numbers_sit_side_by_side()
    {
        using var doc = JsonDocument.Parse(JsonRenderer.Render(TextFormatFiles.CompleteSample(), SampleActuals.ForComplete()));

        doc.RootElement.GetProperty("journey").GetProperty("id").GetString().ShouldBe("team-trial");
        doc.RootElement.GetProperty("actuals").GetProperty("journey").GetString().ShouldBe("team-trial");
        doc.RootElement.GetProperty("actuals").GetProperty("kpis")[0].GetProperty("status").GetString().ShouldBe("at-risk");
    }
}

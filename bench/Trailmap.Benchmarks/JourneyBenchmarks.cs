using BenchmarkDotNet.Attributes;
using Trailmap.Journeys;
using Trailmap.Journeys.Model;
using Trailmap.Journeys.Rendering;
using Trailmap.Journeys.Templates;

namespace Trailmap.Benchmarks;

/// <summary>Parsing and rendering the largest template: what `validate` and `render` spend per file.</summary>
[MemoryDiagnoser]
public class JourneyBenchmarks
{
    private string _yaml = "";
    private Journey _journey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _yaml = TemplateCatalog.All.Select(t => TemplateCatalog.ReadYaml(t.Name)).MaxBy(y => y.Length)!;
        _journey = JourneyFile.FromText(_yaml).Journey!;
    }

    [Benchmark]
    public JourneyFile ParseAndValidate() => JourneyFile.FromText(_yaml);

    [Benchmark]
    public string RenderHtml() => JourneyRenderer.Render(_journey, RenderFormat.Html);

    [Benchmark]
    public string RenderSvg() => JourneyRenderer.Render(_journey, RenderFormat.Svg);

    [Benchmark]
    public string RenderMarkdown() => JourneyRenderer.Render(_journey, RenderFormat.Md);
}

using System.Diagnostics;
using System.Text;
using Shouldly;
using Trailmap.Journeys.Mermaid;
using Trailmap.Journeys.Schema;
using Trailmap.Journeys.Templates;
using Trailmap.Journeys.Tests.Rendering;
using Trailmap.Journeys.Writing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Trailmap.Journeys.Tests.Writing;

/// <summary>
/// Every YAML file Trailmap ships or writes reads in the parsers customers' scripts use: PyYAML (YAML 1.1, Debian's
/// python3-yaml), js-yaml (YAML 1.2, from npm) and YamlDotNet. A YAML 1.1 reader ends a plain scalar at '?' inside
/// a flow mapping, so "subject: How did we do?" in braces broke three templates for PyYAML.
/// </summary>
public sealed class YamlInteropTests
{
    private const string JsYamlVersion = "4.1.0";

    /// <summary>The files: templates and samples as shipped, each rewritten by the YAML writer, and each through Mermaid and back.</summary>
    private static Dictionary<string, string> Files()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var journeys = new List<(string Name, string Yaml)>();
        foreach (var template in TemplateCatalog.All)
        {
            journeys.Add(("template-" + template.Name, TemplateCatalog.ReadYaml(template.Name)));
        }

        foreach (var sample in Directory.GetFiles(Path.Combine(RenderingFixtures.RepoRoot, "samples"), "*.yaml"))
        {
            journeys.Add(("sample-" + Path.GetFileNameWithoutExtension(sample), File.ReadAllText(sample)));
        }

        foreach (var (name, yaml) in journeys)
        {
            files[name + ".yaml"] = yaml;
            var journey = JourneyFile.FromText(yaml, name + ".yaml").Journey ?? throw new InvalidOperationException(name + " does not parse");
            files[name + ".written.yaml"] = JourneyYamlWriter.Write(journey);
            var imported = MermaidImporter.Import(MermaidExporter.Export(journey), name + ".mmd");
            imported.HasErrors.ShouldBeFalse(name);
            files[name + ".from-mermaid.yaml"] = imported.Yaml!;
        }

        // The writer's own hard cases: a question mark, a colon, YAML 1.1 booleans and numbers that are text.
        files["writer-hard-cases.yaml"] = JourneyYamlWriter.Write(new Trailmap.Journeys.Model.Journey
        {
            Id = "hard",
            Title = "Ready? Set: go",
            Tags = ["yes", "no", "on", "off", "1.0", "Why?", "a: b", "#hash", "'quoted'"],
            Stages = [new() { Id = "s", Name = "Is it worth $99?", Thoughts = ["How did we do?", "y", "~", "null"] }],
        });
        // JSON is YAML 1.2; editors read the schema through YAML tooling too.
        files["journey.schema.json"] = JourneySchema.Json;
        return files;
    }

    private static string WriteAll(Dictionary<string, string> files)
    {
        var dir = Path.Combine(Path.GetTempPath(), "trailmap-yaml-interop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(dir, name), text, new UTF8Encoding(false));
        }

        return dir;
    }

    [Fact]
    public void The_seed_transcriptions_with_every_structured_key_are_among_the_files()
    {
        // The transcribed customer documents hold the most varied text (quotes, colons, brackets, emoji), so the
        // parsers below must see them as shipped and as the writer writes them.
        var names = Files().Keys;
        foreach (var seed in new[] { "sample-seed-001-awareness-to-advocacy", "sample-seed-004-restate" })
        {
            names.ShouldContain(seed + ".yaml");
            names.ShouldContain(seed + ".written.yaml");
        }
    }

    [Fact]
    public void Every_file_parses_in_YamlDotNet()
    {
        foreach (var (name, text) in Files())
        {
            Should.NotThrow(() => new YamlStream().Load(new StringReader(text)), name);
        }
    }

    [Fact]
    public async Task Every_file_parses_in_PyYAML()
    {
        // Debian's interpreter, which has python3-yaml; a pyenv or venv python on PATH may not.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var dir = WriteAll(Files());
        try
        {
            const string Script = """
                import sys, os
                try:
                    import yaml
                except ImportError:
                    print("SKIP python3-yaml is not installed"); sys.exit(3)
                bad = 0
                for name in sorted(os.listdir(sys.argv[1])):
                    try:
                        with open(os.path.join(sys.argv[1], name), encoding="utf-8") as f:
                            yaml.safe_load(f)
                    except yaml.YAMLError as e:
                        bad += 1
                        print(name + ": " + str(e).replace("\n", " "))
                print("checked", len(os.listdir(sys.argv[1])))
                sys.exit(1 if bad else 0)
                """;
            var (code, output) = await RunAsync(python, ["-c", Script, dir]);
            if (code == 3)
            {
                SkipUnlessCi("python3-yaml is not installed (apt-get install python3-yaml)");
            }

            code.ShouldBe(0, output);
            output.ShouldContain("checked " + Files().Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Every_file_parses_in_js_yaml()
    {
        // js-yaml is installed once per version into a cache folder outside the checkout, from the npm registry.
        var modules = Path.Combine(Path.GetTempPath(), "trailmap-js-yaml-" + JsYamlVersion);
        if (!File.Exists(Path.Combine(modules, "node_modules", "js-yaml", "package.json")))
        {
            Directory.CreateDirectory(modules);
            var (installed, log) = await RunAsync("npm", ["install", "--prefix", modules, "--no-audit", "--no-fund", "--silent", "js-yaml@" + JsYamlVersion]);
            if (installed != 0)
            {
                SkipUnlessCi("npm could not install js-yaml: " + log);
            }
        }

        var dir = WriteAll(Files());
        try
        {
            const string Script = """
                const fs = require('fs'), path = require('path');
                const yaml = require(path.join(process.argv[1], 'node_modules', 'js-yaml'));
                let bad = 0;
                const names = fs.readdirSync(process.argv[2]).sort();
                for (const name of names) {
                  try { yaml.load(fs.readFileSync(path.join(process.argv[2], name), 'utf8')); }
                  catch (e) { bad++; console.log(name + ': ' + e.message.split('\n')[0]); }
                }
                console.log('checked ' + names.length);
                process.exit(bad ? 1 : 0);
                """;
            var (code, output) = await RunAsync("node", ["-e", Script, modules, dir]);
            code.ShouldBe(0, output);
            output.ShouldContain("checked " + Files().Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_question_mark_in_a_flow_mapping_is_what_PyYAML_refuses_unquoted()
    {
        // The regression the templates had, shown on PyYAML itself: unquoted it fails, quoted it reads.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        const string Script = """
            import sys, yaml
            def ok(text):
                try:
                    yaml.safe_load(text); return "ok"
                except yaml.YAMLError:
                    return "error"
            print(ok("then: { subject: How did we do? }"), ok('then: { subject: "How did we do?" }'))
            """;
        var (code, output) = await RunAsync(python, ["-c", Script]);
        if (code != 0)
        {
            SkipUnlessCi("python3-yaml is not available: " + output);
        }

        output.Trim().ShouldBe("error ok");
    }

    private static void SkipUnlessCi(string why)
    {
        if (Environment.GetEnvironmentVariable("CI") is not { Length: > 0 })
        {
            Assert.Skip(why);
        }

        Assert.Fail(why);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{file}: {e.Message}");
        }
    }
}

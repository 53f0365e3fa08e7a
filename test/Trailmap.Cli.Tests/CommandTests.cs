using System.Text.Json;
using Shouldly;
using Trailmap.Testing;

using Xunit;

namespace Trailmap.Cli.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trailmap-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Temp(string name) => Path.Combine(_dir, name);

    private string Write(string name, string text)
    {
        var path = Temp(name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Validate_a_good_file_exits_0_and_says_ok()
    {
        var run = await CliRun.RunAsync("validate", RepoPaths.Sample("complete.yaml"));
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldBeEmpty();
        run.Err.ShouldContain("ok: ");
        run.Err.ShouldContain("0 errors, 0 warnings");
    }

    [Fact]
    public async Task Validate_prints_file_line_col_severity_code_message_and_exits_1()
    {
        // Line 3 column 1 holds the misspelt key; line 5 column 32 the score 9 on a 1..5 scale.
        var path = Write("bad.yaml", "id: t\ntitle: T\nstagse: []\nstages:\n  - { id: a, name: A, emotion: 9, entry: X, kpis: [{ id: k, name: K, type: count, event: X, target: \">= 1\" }] }\n");
        var run = await CliRun.RunAsync("validate", path);
        run.ExitCode.ShouldBe(1, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain(l => l.StartsWith($"{path}:3:1: error TM002: unknown key 'stagse'", StringComparison.Ordinal) && l.Contains("did you mean 'stages'"));
        lines.ShouldContain(l => l.StartsWith($"{path}:5:32: error TM011:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_exits_0_with_warnings_unless_strict()
    {
        var path = Write("warn.yaml", "id: t\ntitle: T\nstages:\n  - { id: a, name: A, entry: X }\n");
        (await CliRun.RunAsync("validate", path)).ExitCode.ShouldBe(0);
        var strict = await CliRun.RunAsync("validate", "--strict", path);
        strict.ExitCode.ShouldBe(1);
        strict.Out.ShouldContain("warning TM101");
    }

    [Fact]
    public async Task Validate_json_lists_each_file_with_its_diagnostics()
    {
        var bad = Write("bad.yaml", "id: t\ntitle: T\nstages:\n  - { id: a, name: A, entry: X }\n  - { id: a, name: B, entry: Y }\n");
        var run = await CliRun.RunAsync("validate", "--format", "json", RepoPaths.Sample("complete.yaml"), bad);
        run.ExitCode.ShouldBe(1);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        root.GetProperty("valid").GetBoolean().ShouldBeFalse();
        root.GetProperty("errors").GetInt32().ShouldBe(1);
        // Two stages without KPIs: two TM101 warnings.
        root.GetProperty("warnings").GetInt32().ShouldBe(2);
        var files = root.GetProperty("files").EnumerateArray().ToList();
        files.Count.ShouldBe(2);
        files[0].GetProperty("valid").GetBoolean().ShouldBeTrue();
        var dup = files[1].GetProperty("diagnostics").EnumerateArray().Single(d => d.GetProperty("severity").GetString() == "error");
        dup.GetProperty("code").GetString().ShouldBe("TM006");
        dup.GetProperty("line").GetInt32().ShouldBe(5);
        dup.GetProperty("column").GetInt32().ShouldBe(11);
    }

    [Fact]
    public async Task Validate_a_missing_file_reports_it_without_a_stack_trace()
    {
        var run = await CliRun.RunAsync("validate", Temp("nope.yaml"));
        run.ExitCode.ShouldBe(1);
        run.Out.ShouldContain("nope.yaml:1:1: error TM000: cannot read the file");
        (run.Out + run.Err).ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Templates_json_is_a_list_of_name_and_title()
    {
        var run = await CliRun.RunAsync("templates", "--format", "json");
        run.ExitCode.ShouldBe(0);
        using var doc = JsonDocument.Parse(run.Out);
        var names = doc.RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        names.ShouldBe(["saas-trial", "ecommerce-first-purchase", "online-course", "b2b-customer-success", "awareness-to-advocacy"], ignoreOrder: true);
        doc.RootElement.EnumerateArray().ShouldAllBe(t => !string.IsNullOrWhiteSpace(t.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Init_writes_a_template_that_validates_and_will_not_overwrite_without_force()
    {
        var path = Temp("j.yaml");
        var run = await CliRun.RunAsync("init", "--template", "saas-trial", "-o", path);
        run.ExitCode.ShouldBe(0, run.ToString());
        (await CliRun.RunAsync("validate", "--strict", path)).ExitCode.ShouldBe(0);

        await File.WriteAllTextAsync(path, "mine", TestContext.Current.CancellationToken);
        var again = await CliRun.RunAsync("init", "--template", "saas-trial", "-o", path);
        again.ExitCode.ShouldBe(1);
        again.Err.ShouldContain("--force");
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).ShouldBe("mine");
        (await CliRun.RunAsync("init", "--template", "saas-trial", "-o", path, "--force")).ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).ShouldNotBe("mine");
    }

    [Fact]
    public async Task Init_with_an_unknown_template_suggests_the_closest()
    {
        var run = await CliRun.RunAsync("init", "--template", "saas-trail");
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("did you mean 'saas-trial'");
    }

    [Theory]
    [InlineData("html", "<!DOCTYPE html>")]
    [InlineData("svg", "<svg")]
    [InlineData("md", "# Team plan free trial to paid")]
    [InlineData("mermaid", "journey")]
    [InlineData("csv", "lane,")]
    [InlineData("json", "\"id\": \"team-trial\"")]
    public async Task Render_writes_each_text_format_to_stdout(string format, string expected)
    {
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--format", format);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain(expected, Case.Insensitive);
    }

    [Fact]
    public async Task Render_to_a_file_and_refuse_a_broken_journey_without_writing()
    {
        var outPath = Temp("map.html");
        (await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "-o", outPath)).ExitCode.ShouldBe(0);
        (await File.ReadAllTextAsync(outPath, TestContext.Current.CancellationToken)).ShouldStartWith("<!DOCTYPE html>", Case.Insensitive);

        var broken = Write("broken.yaml", "id: t\ntitle: T\nstages: [{ id: a, name: A, emotion: 99 }]\n");
        var brokenOut = Temp("broken.html");
        var run = await CliRun.RunAsync("render", broken, "-o", brokenOut);
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("TM011");
        File.Exists(brokenOut).ShouldBeFalse();
    }

    [Fact]
    public async Task Render_zip_into_a_missing_folder_says_so_and_writes_nothing()
    {
        var target = Temp(Path.Combine("no-such-folder", "map.zip"));
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--format", "zip", "-o", target);
        run.ExitCode.ShouldBe(1, run.ToString());
        run.Err.ShouldContain("cannot write");
        run.Err.ShouldContain("does not exist");
        run.Err.ShouldNotContain("   at ");
        Directory.Exists(Temp("no-such-folder")).ShouldBeFalse();
    }

    [Fact]
    public async Task Render_with_actuals_of_another_journey_says_so()
    {
        var actuals = Write("a.json", "{\"journey\": \"other\", \"stages\": []}");
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--actuals", actuals);
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain("'other'");
        run.Err.ShouldContain("'team-trial'");
    }

    [Fact]
    public async Task Render_with_malformed_actuals_points_at_the_line()
    {
        var actuals = Write("a.json", "{\n  \"journey\": \"team-trial\",\n  \"stages\": [ { \"id\": 3 } ]\n}");
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--actuals", actuals);
        run.ExitCode.ShouldBe(1);
        run.Err.ShouldContain($"{actuals}:3:");
    }

    [Fact]
    public async Task Render_shows_actuals_beside_targets()
    {
        // 0.61 against ">= 65%" is at risk (within 10% of 0.65); it renders as "61%".
        var actuals = Write("a.json", "{\"journey\": \"team-trial\", \"kpis\": [{\"id\": \"activation\", \"actual\": 0.61, \"status\": \"at-risk\"}]}");
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--format", "md", "--actuals", actuals);
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Out.ShouldContain("61%");
    }

    [Fact]
    public async Task Schema_prints_a_json_schema()
    {
        var run = await CliRun.RunAsync("schema");
        run.ExitCode.ShouldBe(0);
        using var doc = JsonDocument.Parse(run.Out);
        doc.RootElement.GetProperty("$schema").GetString()!.ShouldContain("json-schema.org");
    }

    [Fact]
    public async Task Import_mermaid_turns_the_mermaid_docs_example_into_a_valid_journey()
    {
        var mmd = Write("day.mmd", """
            journey
                title My working day
                section Go to work
                  Make tea: 5: Me
                  Go upstairs: 3: Me
                  Do work: 1: Me, Cat
                section Go home
                  Go downstairs: 5: Me
                  Sit down: 5: Me
            """);
        var yamlPath = Temp("day.yaml");
        var run = await CliRun.RunAsync("import-mermaid", mmd, "-o", yamlPath);
        run.ExitCode.ShouldBe(0, run.ToString());
        var validate = await CliRun.RunAsync("validate", "--format", "json", yamlPath);
        validate.ExitCode.ShouldBe(0, validate.ToString());
        var back = await CliRun.RunAsync("render", yamlPath, "--format", "mermaid");
        back.Out.ShouldContain("section Go to work");
        back.Out.ShouldContain("Do work: 1: Me, Cat");
        back.Out.ShouldContain("Sit down: 5: Me");
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("render")]
    [InlineData("templates")]
    [InlineData("init")]
    [InlineData("schema")]
    [InlineData("import-mermaid")]
    [InlineData("demo")]
    [InlineData("generate")]
    [InlineData("import")]
    [InlineData("status")]
    [InlineData("funnel")]
    [InlineData("retention")]
    [InlineData("paths")]
    [InlineData("analyze")]
    [InlineData("backtest")]
    public async Task Every_command_has_help(string command)
    {
        var run = await CliRun.RunAsync(command, "--help");
        run.ExitCode.ShouldBe(0);
        run.Out.ShouldContain("Usage:");
        run.Out.ShouldContain(command);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_without_a_stack_trace()
    {
        var run = await CliRun.RunAsync("render", RepoPaths.Sample("complete.yaml"), "--formt", "svg");
        run.ExitCode.ShouldNotBe(0);
        (run.Out + run.Err).ShouldNotContain("   at ");
    }
}

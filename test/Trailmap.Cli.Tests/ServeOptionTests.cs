using Shouldly;
using Trailmap.Cli.Commands;
using Xunit;

namespace Trailmap.Cli.Tests;

public sealed class ServeOptionTests
{
    [Theory]
    [InlineData("500MB", 500L * 1024 * 1024)] // 524,288,000
    [InlineData("2GB", 2L * 1024 * 1024 * 1024)] // 2,147,483,648
    [InlineData("1.5gb", 3L * 512 * 1024 * 1024)] // 1.5 x 1,073,741,824 = 1,610,612,736
    [InlineData("64 KiB", 64L * 1024)]
    [InlineData("4096", 4096L)]
    [InlineData("1T", 1L << 40)]
    public void Sizes_parse_with_binary_units(string text, long bytes) =>
        ByteSize.TryParse(text, out _).ShouldBe(bytes);

    [Theory]
    [InlineData("lots")]
    [InlineData("0")]
    [InlineData("-5MB")]
    [InlineData("12XB")]
    [InlineData("")]
    public void Bad_sizes_say_what_works(string text)
    {
        ByteSize.TryParse(text, out var error).ShouldBeNull();
        error.ShouldNotBeNull().ShouldContain("such as 500MB, 2GB");
    }

    [Fact]
    public async Task Serve_refuses_a_bad_max_upload_before_starting()
    {
        var run = await CliRun.RunAsync("serve", "--max-upload", "2 gigs", "--db", Path.Combine(Path.GetTempPath(), "never-created.duckdb"));
        // A parse error: System.CommandLine prints the message and the command's help, and exits 1 before the action runs.
        run.ExitCode.ShouldBe(1, run.ToString());
        File.Exists(Path.Combine(Path.GetTempPath(), "never-created.duckdb")).ShouldBeFalse();
        run.Err.ShouldContain("--max-upload: '2 gigs' is not a size");
    }
}

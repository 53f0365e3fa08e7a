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
    public async Task Serve_refuses_a_bad_max_upload_with_a_usage_error_before_starting()
    {
        var db = Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.duckdb");
        // The built executable, as a shell runs it: the exit code is what scripts see.
        var run = await CliRun.RunProcessAsync("serve", "--max-upload", "2 gigs", "--db", db);
        // docs/cli.md: 2 is a usage error (1 is a problem with the data or the environment).
        run.ExitCode.ShouldBe(2, run.ToString());
        // The message names the flag, the bad value and what a valid one looks like.
        run.Err.ShouldContain("--max-upload: '2 gigs' is not a size; write a positive number with an optional unit, such as 500MB, 2GB");
        File.Exists(db).ShouldBeFalse();
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("automate", "--once")]
    public async Task A_log_level_that_is_not_one_of_the_levels_is_a_usage_error_that_lists_them(params string[] command)
    {
        var db = Path.Combine(Path.GetTempPath(), $"never-created-{Guid.NewGuid():N}.duckdb");
        var run = await CliRun.RunAsync([.. command, "--log-level", "loud", "--db", db]);
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldContain("--log-level 'loud' is not one of trace, debug, information, warning, error, critical, none");
        File.Exists(db).ShouldBeFalse();
    }

    [Theory]
    [InlineData("serve", "--max-upload", "0")]
    [InlineData("serve", "--no-such-flag")]
    [InlineData("validate")] // the files argument is missing
    [InlineData("no-such-command")]
    public async Task Every_command_line_that_does_not_parse_exits_2(params string[] args)
    {
        var run = await CliRun.RunAsync(args);
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Err.ShouldNotBeEmpty();
    }
}

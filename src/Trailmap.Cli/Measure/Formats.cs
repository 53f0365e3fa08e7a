using System.CommandLine;
using System.Globalization;
using Trailmap.Journeys.Model;

namespace Trailmap.Cli.Measure;

/// <summary>Shared output options and number formatting for the measurement commands.</summary>
public static class Formats
{
    public static Option<string> Option(params string[] allowed)
    {
        var option = new Option<string>("--format", "-f") { Description = string.Join(", ", allowed), DefaultValueFactory = _ => allowed[0] };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    public static string Seconds(double? seconds) =>
        seconds is { } s ? Duration.FormatApproximate(TimeSpan.FromSeconds(s)) : "-";

    public static string Number(double? value, string format = "0.##") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}

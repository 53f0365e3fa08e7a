using Microsoft.AspNetCore.Http;
using Trailmap.Analytics.Queries;
using Trailmap.Journeys;
using Trailmap.Journeys.Rendering;

namespace Trailmap.Web.Api;

/// <summary>Responses of the REST API: JSON in Trailmap's one JSON style, and problem details for every failure.</summary>
internal static class ApiResults
{
    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) =>
        Results.Json(value, TrailmapJson.Compact, "application/json; charset=utf-8", status);

    public static IResult NoJourney(string slug) => Results.Problem(
        title: "No such journey",
        detail: $"There is no journey \"{slug}\" in this workspace; GET /api/journeys lists them.",
        statusCode: StatusCodes.Status404NotFound);

    /// <summary>YAML with errors: 422 with every diagnostic (line, column, code, message), and the first one in the detail.</summary>
    public static IResult Invalid(JourneyFile file)
    {
        var diagnostics = ApiDiagnostic.Of(file, errors: true);
        var errors = diagnostics.Where(d => d.Severity == "error").ToList();
        var first = errors.Count > 0 ? errors[0].ToString() : "the text does not describe a journey";
        return Results.Problem(
            title: "The journey has errors",
            detail: $"Nothing was saved: {errors.Count} error(s); the first is at {first}. Fix them (see diagnostics) and send it again.",
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["diagnostics"] = diagnostics });
    }

    public static IResult BadParameter(QueryParameterException e) => Results.Problem(
        title: "A parameter has a bad value",
        detail: $"{e.Parameter}: {e.Message}",
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["parameter"] = e.Parameter });

    public static IResult Bad(string detail, int status = StatusCodes.Status400BadRequest) =>
        Results.Problem(detail: detail, statusCode: status);
}

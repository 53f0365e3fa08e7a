using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Trailmap.Web.Shell;

/// <summary>
/// Serves the CSS and scripts embedded in the assembly under /assets, with an ETag, so the packed tool needs no
/// files beside it and nothing comes from the network.
/// </summary>
public static class AssetEndpoints
{
    private static readonly ConcurrentDictionary<string, (byte[] Bytes, string ETag)?> Cache = new(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/assets/{name}", (string name, HttpContext context) => Serve(name, context)).AllowAnonymous().ExcludeFromDescription();

        // Browsers ask for /favicon.ico on documents that name no icon (the bare map, a downloaded export opened
        // from the server); answering it spares every such page a 404 in the console.
        routes.MapGet("/favicon.ico", (HttpContext context) => Serve("favicon.svg", context)).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult Serve(string name, HttpContext context)
    {
        if (Load(name) is not { } asset)
        {
            return Results.NotFound();
        }

        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Bytes(asset.Bytes, ContentType(name));
    }

    private static (byte[] Bytes, string ETag)? Load(string name) => Cache.GetOrAdd(name, n =>
    {
        using var stream = typeof(AssetEndpoints).Assembly.GetManifestResourceStream("assets/" + n);
        if (stream is null)
        {
            return null;
        }

        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        return (bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
    });

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}

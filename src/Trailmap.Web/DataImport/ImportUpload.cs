using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Trailmap.Web.DataImport;

/// <summary>An events file received from the import form: where it was written, its name, and the form's other fields.</summary>
public sealed record ImportUploadResult(string Path, string FileName, long Bytes, IReadOnlyDictionary<string, string> Fields);

/// <summary>Something wrong with the upload itself (too big, no file, not a form); nothing was imported.</summary>
public sealed class ImportUploadException(string message, int status = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// Reads the import form's multipart body section by section and streams the file straight to disk, so a
/// gigabyte upload costs an 80 KB buffer, not a gigabyte of memory (the framework's form binding would buffer it,
/// and the antiforgery check would read the whole form before the endpoint ran). The antiforgery token is the
/// form's first field, checked before a byte of the file is written.
/// </summary>
public static partial class ImportUpload
{
    /// <summary>The longest text field the form has a use for; column and event names are short.</summary>
    private const int MaxFieldChars = 1000;

    public static async Task<ImportUploadResult> ReadAsync(HttpContext context, string dir, long maxBytes)
    {
        var request = context.Request;
        var cancel = context.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            throw new ImportUploadException("Send the import form as multipart/form-data (the page's form does).");
        }

        // Kestrel's limit for ordinary requests is a few MB; this one request may carry the whole file.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + 1024 * 1024;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var names = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var verified = false;
        ImportUploadResult? file = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancel).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (!verified)
                    {
                        throw new ImportUploadException("The form's security token is missing or comes after the file. Reload the import page and send the form again.");
                    }

                    if (name != "file" || file is not null)
                    {
                        throw new ImportUploadException("Send one events file, in the form's \"file\" field.");
                    }

                    file = await SaveAsync(section, disposition, dir, maxBytes, cancel).ConfigureAwait(false);
                    continue;
                }

                var value = await ReadFieldAsync(section, name, cancel).ConfigureAwait(false);
                if (name == names.FormFieldName)
                {
                    // The antiforgery service reads the header before the form, so handing it the token this way keeps
                    // it from buffering the body; the cookie half comes with the request as usual.
                    request.Headers[names.HeaderName ?? "RequestVerificationToken"] = value;
                    await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
                    verified = true;
                }
                else
                {
                    fields[name] = value;
                }
            }
        }
        catch (AntiforgeryValidationException)
        {
            throw new ImportUploadException("The form's security token is not valid (the page was open too long, or you signed in again). Reload the import page and send the form again.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
        catch (InvalidDataException e)
        {
            throw new ImportUploadException("The upload was cut off or is not a valid form (" + e.Message + "). Send it again.");
        }

        return file is null
            ? throw new ImportUploadException("Choose an events file to import (CSV, JSON Lines or Parquet).")
            : file with { Fields = fields };
    }

    /// <summary>The uploaded name reduced to letters, digits, dot, dash and underscore, keeping the extension the importer reads.</summary>
    public static string SafeName(string? uploaded)
    {
        var name = Path.GetFileName((uploaded ?? "").Replace('\\', '/'));
        name = Unsafe().Replace(name, "_").TrimStart('.');
        if (name.Length > 100)
        {
            var ext = Path.GetExtension(name);
            name = name[..(100 - Math.Min(ext.Length, 20))] + ext[..Math.Min(ext.Length, 20)];
        }

        return name.Length == 0 ? "upload" : name;
    }

    /// <summary>A byte count for people: "1 GB", "250.0 MB", "100 bytes".</summary>
    public static string Size(long bytes)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30).ToString("N0", invariant) + " GB"
            : bytes >= 1L << 20 ? (bytes / (1024.0 * 1024)).ToString("N1", invariant) + " MB"
            : bytes.ToString("N0", invariant) + " bytes";
    }

    private static async Task<ImportUploadResult> SaveAsync(MultipartSection section, ContentDispositionHeaderValue disposition, string dir, long maxBytes, CancellationToken cancel)
    {
        var original = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var name = SafeName(original);
        var path = Path.Combine(dir, name);
        long total = 0;
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await section.Body.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
            }
        }

        if (total == 0)
        {
            throw new ImportUploadException(string.IsNullOrEmpty(original)
                ? "Choose an events file to import (CSV, JSON Lines or Parquet)."
                : $"The file {name} is empty; nothing to import.");
        }

        return new ImportUploadResult(path, name, total, new Dictionary<string, string>(StringComparer.Ordinal));
    }

    private static async Task<string> ReadFieldAsync(MultipartSection section, string name, CancellationToken cancel)
    {
        using var reader = new StreamReader(section.Body, Encoding.UTF8);
        var buffer = new char[MaxFieldChars + 1];
        var length = await reader.ReadBlockAsync(buffer, cancel).ConfigureAwait(false);
        if (length > MaxFieldChars)
        {
            throw new ImportUploadException($"The field \"{name}\" is longer than {MaxFieldChars} characters; column and event names are short.");
        }

        return new string(buffer, 0, length);
    }

    private static ImportUploadException TooLarge(long maxBytes) => new(
        $"The file is larger than this workspace's upload limit of {Size(maxBytes)}. Import it on the server with `trailmap import FILE --db STORE`, or split it into smaller files.",
        StatusCodes.Status413PayloadTooLarge);

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}

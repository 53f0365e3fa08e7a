using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace Trailmap.Export.Tests;

/// <summary>
/// Counts pixels of a rendered map: PNG files as Chromium writes them (8-bit RGB or RGBA, not interlaced), and PDF
/// pages rasterised by poppler's pdftoppm into PPM. Rows are decoded one at a time, so a tall map costs two rows of
/// memory, not the whole image.
/// </summary>
internal static class RasterPixels
{
    /// <summary>
    /// A strongly coloured pixel: its channels spread by at least 100 of 255 and the brightest is at least 120. Text
    /// (near black), page and card backgrounds (near white) and the grey of an empty glyph box never qualify.
    /// </summary>
    public static bool Saturated(byte r, byte g, byte b)
    {
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        return max - min >= 100 && max >= 120;
    }

    public static long CountPng(string path, Func<byte, byte, byte, bool> predicate)
    {
        using var png = PngRows.Open(path);
        long count = 0;
        for (var y = 0; y < png.Height; y++)
        {
            var row = png.Next();
            for (var x = 0; x < png.Width; x++)
            {
                if (png.Opaque(row, x) && predicate(row[x * png.Channels], row[(x * png.Channels) + 1], row[(x * png.Channels) + 2]))
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// Compares two PNGs of the same size pixel by pixel and sorts every differing pixel into the first of
    /// <paramref name="boxes"/> (device-pixel rectangles) that holds it, or "outside": the counts per box, then outside.
    /// </summary>
    public static (long[] Inside, long Outside) Differences(string a, string b, IReadOnlyList<(double X, double Y, double Width, double Height)> boxes)
    {
        using var first = PngRows.Open(a);
        using var second = PngRows.Open(b);
        if ((first.Width, first.Height) != (second.Width, second.Height))
        {
            throw new InvalidDataException($"{a} is {first.Width} x {first.Height} px, {b} is {second.Width} x {second.Height} px: the layouts differ");
        }

        var inside = new long[boxes.Count];
        long outside = 0;
        for (var y = 0; y < first.Height; y++)
        {
            var rowA = first.Next();
            var rowB = second.Next();
            for (var x = 0; x < first.Width; x++)
            {
                var (i, j) = (x * first.Channels, x * second.Channels);
                if (rowA[i] == rowB[j] && rowA[i + 1] == rowB[j + 1] && rowA[i + 2] == rowB[j + 2])
                {
                    continue;
                }

                var box = -1;
                for (var k = 0; k < boxes.Count && box < 0; k++)
                {
                    var r = boxes[k];
                    if (x >= r.X && x < r.X + r.Width && y >= r.Y && y < r.Y + r.Height)
                    {
                        box = k;
                    }
                }

                if (box >= 0)
                {
                    inside[box]++;
                }
                else
                {
                    outside++;
                }
            }
        }

        return (inside, outside);
    }

    /// <summary>A PNG as Chromium writes it, decoded one row at a time (8-bit RGB or RGBA, not interlaced).</summary>
    private sealed class PngRows : IDisposable
    {
        private readonly ZLibStream pixels;
        private byte[] previous;
        private byte[] row;

        private PngRows(int width, int height, int channels, MemoryStream idat)
        {
            (Width, Height, Channels) = (width, height, channels);
            pixels = new ZLibStream(idat, CompressionMode.Decompress);
            previous = new byte[width * channels];
            row = new byte[width * channels];
        }

        public int Width { get; }

        public int Height { get; }

        public int Channels { get; }

        public static PngRows Open(string path)
        {
            using var file = File.OpenRead(path);
            Span<byte> header = stackalloc byte[8];
            file.ReadExactly(header);
            if (!header.SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }))
            {
                throw new InvalidDataException($"{path} is not a PNG file");
            }

            int width = 0, height = 0, channels = 0;
            var idat = new MemoryStream();
            Span<byte> chunkHeader = stackalloc byte[8];
            Span<byte> crc = stackalloc byte[4];
            while (true)
            {
                file.ReadExactly(chunkHeader);
                var length = BinaryPrimitives.ReadInt32BigEndian(chunkHeader);
                var type = Encoding.ASCII.GetString(chunkHeader[4..]);
                var data = new byte[length];
                file.ReadExactly(data);
                file.ReadExactly(crc);
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
                    var (bitDepth, colourType, interlace) = (data[8], data[9], data[12]);
                    if (bitDepth != 8 || colourType is not (2 or 6) || interlace != 0)
                    {
                        throw new InvalidDataException($"{path}: only 8-bit, non-interlaced RGB or RGBA is read (found depth {bitDepth}, colour type {colourType}, interlace {interlace})");
                    }

                    channels = colourType == 6 ? 4 : 3;
                }
                else if (type == "IDAT")
                {
                    idat.Write(data);
                }
                else if (type == "IEND")
                {
                    break;
                }
            }

            idat.Position = 0;
            return new PngRows(width, height, channels, idat);
        }

        /// <summary>The next row, unfiltered; valid until the call after next.</summary>
        public byte[] Next()
        {
            (previous, row) = (row, previous);
            var filter = pixels.ReadByte();
            pixels.ReadExactly(row);
            Unfilter(filter, row, previous, Channels);
            return row;
        }

        /// <summary>A transparent pixel shows the page behind it, so it is never a coloured one.</summary>
        public bool Opaque(byte[] pixelsOfRow, int x) => Channels == 3 || pixelsOfRow[(x * Channels) + 3] > 127;

        public void Dispose() => pixels.Dispose();
    }

    private static void Unfilter(int filter, byte[] row, byte[] previous, int bpp)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= bpp ? row[i - bpp] : 0, up = previous[i], upLeft = i >= bpp ? previous[i - bpp] : 0;
            row[i] = (byte)(row[i] + filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"unknown PNG row filter {filter}"),
            });
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Rasterises every page of a PDF with pdftoppm at <paramref name="dpi"/> and counts over all pages.</summary>
    public static long CountPdf(string pdf, int dpi, Func<byte, byte, byte, bool> predicate)
    {
        var prefix = Path.Combine(Path.GetDirectoryName(pdf)!, Path.GetFileNameWithoutExtension(pdf) + "-page");
        foreach (var old in Directory.GetFiles(Path.GetDirectoryName(pdf)!, Path.GetFileName(prefix) + "*.ppm"))
        {
            File.Delete(old);
        }

        var start = new ProcessStartInfo("pdftoppm") { RedirectStandardError = true };
        foreach (var arg in new[] { "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), pdf, prefix })
        {
            start.ArgumentList.Add(arg);
        }

        using (var process = Process.Start(start)!)
        {
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pdftoppm failed ({process.ExitCode}): {error}");
            }
        }

        var pages = Directory.GetFiles(Path.GetDirectoryName(pdf)!, Path.GetFileName(prefix) + "*.ppm");
        if (pages.Length == 0)
        {
            throw new InvalidOperationException($"pdftoppm wrote no page for {pdf}");
        }

        return pages.Sum(page => CountPpm(page, predicate));
    }

    /// <summary>A binary PPM (P6, maxval 255): a text header of magic, width, height and maxval, then RGB triples.</summary>
    private static long CountPpm(string path, Func<byte, byte, byte, bool> predicate)
    {
        var bytes = File.ReadAllBytes(path);
        var position = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }

            var begin = position;
            while (!char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }

            return Encoding.ASCII.GetString(bytes, begin, position - begin);
        }

        if (Token() != "P6")
        {
            throw new InvalidDataException($"{path} is not a binary PPM");
        }

        var width = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        if (Token() != "255")
        {
            throw new InvalidDataException($"{path}: only 8-bit PPM is read");
        }

        position++; // the one whitespace byte before the pixels
        long count = 0;
        for (var i = 0; i < width * height; i++)
        {
            var at = position + (3 * i);
            if (predicate(bytes[at], bytes[at + 1], bytes[at + 2]))
            {
                count++;
            }
        }

        return count;
    }
}

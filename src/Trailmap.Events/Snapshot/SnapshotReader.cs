using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Trailmap.Events;

/// <summary>
/// Reads a snapshot file section by section, checking each section's checksum as it is read: the fixed-size sections
/// are read in chunks in file order, so a load holds only the rows it keeps, never the whole file.
/// </summary>
internal sealed class SnapshotReader : IDisposable
{
    private readonly SafeFileHandle handle;

    private SnapshotReader(SafeFileHandle handle, SnapshotHeader header)
    {
        this.handle = handle;
        Header = header;
    }

    public SnapshotHeader Header { get; }

    /// <summary>The snapshot at <paramref name="path"/>, or null when there is none or its header is not intact.</summary>
    public static SnapshotReader? Open(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }

        var bytes = new byte[SnapshotFormat.HeaderSize];
        var header = RandomAccess.Read(handle, bytes, 0) == bytes.Length ? SnapshotHeader.Parse(bytes) : null;
        if (header is null || RandomAccess.GetLength(handle) != header.FileLength)
        {
            handle.Dispose();
            return null;
        }

        return new SnapshotReader(handle, header);
    }

    public (string[] Names, long[] Counts) ReadNames()
    {
        var bytes = ReadSection(SnapshotFormat.HeaderSize, Header.NamesBytes, 0);
        var names = new string[Header.NameCount];
        var counts = new long[Header.NameCount];
        var at = 0;
        for (var i = 0; i < names.Length; i++)
        {
            (names[i], at) = ReadString(bytes, at);
            counts[i] = Long(bytes, ref at);
        }

        return at == bytes.Length ? (names, counts) : throw Damaged("names");
    }

    /// <summary>The customers' UTF-8 bytes and where each one starts in them (one extra entry for the end).</summary>
    public (byte[] Bytes, int[] Starts) ReadCustomers()
    {
        var bytes = ReadSection(SnapshotFormat.HeaderSize + Header.NamesBytes, Header.CustomersBytes, 1);
        var starts = new int[Header.CustomerCount + 1];
        var at = 0;
        for (var i = 0; i < Header.CustomerCount; i++)
        {
            if (at + 4 > bytes.Length)
            {
                throw Damaged("customers");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            starts[i] = at + 4;
            at += 4 + length;
        }

        starts[^1] = at + 4;
        return at == bytes.Length ? (bytes, starts) : throw Damaged("customers");
    }

    public long[] ReadOffsets()
    {
        var offsets = new long[Header.CustomerCount + 1];
        var bytes = MemoryMarshal.AsBytes(offsets.AsSpan());
        Read(bytes, Header.OffsetsStart);
        if (SnapshotFormat.Checksum(bytes) != Header.Checksums[2] || offsets[0] != 0 || offsets[^1] != Header.Rows)
        {
            throw Damaged("offsets");
        }

        for (var c = 0; c < Header.CustomerCount; c++)
        {
            if (offsets[c + 1] <= offsets[c])
            {
                throw Damaged("offsets");
            }
        }

        return offsets;
    }

    /// <summary>A sequential reader of one fixed-size column, hashing what it reads.</summary>
    public ColumnCursor<T> Column<T>(int section)
        where T : unmanaged
    {
        var start = section switch
        {
            3 => Header.CodesStart,
            4 => Header.TimestampsStart,
            5 => Header.SequencesStart,
            _ => throw new ArgumentOutOfRangeException(nameof(section)),
        };
        return new ColumnCursor<T>(this, start, Header.Checksums[section], Header.Rows);
    }

    /// <summary>
    /// A reader of rows [<paramref name="from"/>, <paramref name="from"/> + <paramref name="rows"/>) of one column,
    /// for loads that read the rows in parts at once. It checks no checksum (a part's hash is not the column's):
    /// <see cref="Verify{T}"/> reads the whole column once for that.
    /// </summary>
    public ColumnCursor<T> Column<T>(int section, long from, long rows)
        where T : unmanaged
    {
        var cursor = Column<T>(section);
        return new ColumnCursor<T>(this, cursor.Start + (from * Marshal.SizeOf<T>()), checksum: null, rows);
    }

    /// <summary>Reads a whole column and throws when its checksum does not match.</summary>
    public void Verify<T>(int section)
        where T : unmanaged => Column<T>(section).Finish();

    internal void Read(Span<byte> into, long position)
    {
        while (into.Length > 0)
        {
            var n = RandomAccess.Read(handle, into, position);
            if (n <= 0)
            {
                throw Damaged("file (shorter than its header says)");
            }

            into = into[n..];
            position += n;
        }
    }

    private byte[] ReadSection(long start, long length, int section)
    {
        if (length > Array.MaxLength)
        {
            throw Damaged("header");
        }

        var bytes = new byte[length];
        Read(bytes, start);
        return SnapshotFormat.Checksum(bytes) == Header.Checksums[section] ? bytes : throw Damaged(section == 0 ? "names" : "customers");
    }

    private static (string, int) ReadString(byte[] bytes, int at)
    {
        if (at + 4 > bytes.Length)
        {
            throw Damaged("names");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        at += 4;
        if (length < 0 || at + length > bytes.Length)
        {
            throw Damaged("names");
        }

        return (Encoding.UTF8.GetString(bytes, at, length), at + length);
    }

    private static long Long(byte[] bytes, ref int at)
    {
        if (at + 8 > bytes.Length)
        {
            throw Damaged("names");
        }

        var value = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at));
        at += 8;
        return value;
    }

    internal static SnapshotDamagedException Damaged(string what) => new($"the event snapshot's {what} failed its check");

    public void Dispose() => handle.Dispose();
}

/// <summary>
/// Reads one column of a snapshot (or a run of its rows) front to back in chunks; <see cref="Finish"/> checks the whole
/// column's checksum, when the cursor was given one.
/// </summary>
internal sealed class ColumnCursor<T>(SnapshotReader reader, long start, ulong? checksum, long rows)
    where T : unmanaged
{
    private readonly XxHash3? hash = checksum is null ? null : new();
    private long next;

    /// <summary>Where the cursor's first row starts in the file.</summary>
    public long Start => start;

    /// <summary>Fills <paramref name="into"/> with the next rows (as many as fit, or as are left); how many.</summary>
    public int Next(Span<T> into)
    {
        var n = (int)Math.Min(into.Length, rows - next);
        var bytes = MemoryMarshal.AsBytes(into[..n]);
        reader.Read(bytes, start + (next * Marshal.SizeOf<T>()));
        hash?.Append(bytes);
        next += n;
        return n;
    }

    /// <summary>Reads what is left unread (to check it) and throws when the column's checksum does not match.</summary>
    public void Finish()
    {
        if (hash is null)
        {
            return;
        }

        var rest = new T[1 << 14];
        while (next < rows)
        {
            Next(rest);
        }

        if (hash is not null && hash.GetCurrentHashAsUInt64() != checksum)
        {
            throw SnapshotReader.Damaged("rows");
        }
    }
}

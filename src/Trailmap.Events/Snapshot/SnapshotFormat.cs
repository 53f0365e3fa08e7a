using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Trailmap.Events;

/// <summary>
/// The on-disk layout of an event snapshot (see <see cref="EventSnapshot"/>), little-endian:
/// a 128-byte header, then the sections in this order, each with its own XxHash3 checksum in the header:
/// <list type="number">
/// <item>names: per event name, its UTF-8 length (int32), bytes, and how many rows carry it (int64); in UTF-8 order;</item>
/// <item>customers: per customer, its UTF-8 length (int32) and bytes; in UTF-8 order (DuckDB's VARCHAR order);</item>
/// <item>offsets: int64[customers + 1], where each customer's rows start;</item>
/// <item>codes: uint16[rows], the row's name index, padded to 8 bytes;</item>
/// <item>timestamps: int64[rows], microseconds since the Unix epoch;</item>
/// <item>sequences: int64[rows], arrival sequence numbers.</item>
/// </list>
/// Rows are in (customer, ts, seq) order. The header says which version of the events table the rows are: its row
/// count, its highest sequence number and a hash of the store's random id (so a snapshot never passes for another store's).
/// </summary>
internal static class SnapshotFormat
{
    public const int HeaderSize = 128;

    public const int Version = 1;

    public static ReadOnlySpan<byte> Magic => "TMEVSNAP"u8;

    public const int SectionCount = 6;

    public static ulong Checksum(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes);

    public static int Pad8(long length) => (int)((8 - (length % 8)) % 8);

    public static void WriteString(Stream stream, string value, Span<byte> scratch)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, bytes.Length);
        stream.Write(scratch[..4]);
        stream.Write(bytes);
    }
}

/// <summary>The fixed header of a snapshot file.</summary>
internal sealed record SnapshotHeader(
    long Rows,
    long MaxSequence,
    long StoreId,
    int NameCount,
    long CustomerCount,
    long NamesBytes,
    long CustomersBytes,
    ulong[] Checksums)
{
    public long OffsetsStart => SnapshotFormat.HeaderSize + NamesBytes + CustomersBytes;

    public long CodesStart => OffsetsStart + ((CustomerCount + 1) * 8);

    public long TimestampsStart => CodesStart + (Rows * 2) + SnapshotFormat.Pad8(Rows * 2);

    public long SequencesStart => TimestampsStart + (Rows * 8);

    public long FileLength => SequencesStart + (Rows * 8);

    public byte[] ToBytes()
    {
        var b = new byte[SnapshotFormat.HeaderSize];
        SnapshotFormat.Magic.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(8), SnapshotFormat.Version);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), NameCount);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16), Rows);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(24), MaxSequence);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(32), StoreId);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(40), CustomerCount);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(48), NamesBytes);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(56), CustomersBytes);
        for (var i = 0; i < SnapshotFormat.SectionCount; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(64 + (i * 8)), Checksums[i]);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(112), SnapshotFormat.Checksum(b.AsSpan(0, 112)));
        return b;
    }

    /// <summary>The header in <paramref name="b"/>, or null when it is not a whole, intact header of this format version.</summary>
    public static SnapshotHeader? Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < SnapshotFormat.HeaderSize || !b[..8].SequenceEqual(SnapshotFormat.Magic)
            || BinaryPrimitives.ReadInt32LittleEndian(b[8..]) != SnapshotFormat.Version
            || BinaryPrimitives.ReadUInt64LittleEndian(b[112..]) != SnapshotFormat.Checksum(b[..112]))
        {
            return null;
        }

        var checksums = new ulong[SnapshotFormat.SectionCount];
        for (var i = 0; i < checksums.Length; i++)
        {
            checksums[i] = BinaryPrimitives.ReadUInt64LittleEndian(b[(64 + (i * 8))..]);
        }

        var header = new SnapshotHeader(
            BinaryPrimitives.ReadInt64LittleEndian(b[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[32..]),
            BinaryPrimitives.ReadInt32LittleEndian(b[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[48..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[56..]),
            checksums);
        return header.Rows < 0 || header.CustomerCount < 0 || header.NameCount < 0 || header.NamesBytes < 0 || header.CustomersBytes < 0
            || header.Rows > Array.MaxLength || header.CustomerCount > Array.MaxLength || header.NameCount > ushort.MaxValue
            ? null : header;
    }
}

/// <summary>A snapshot that fails its checks: a later load rebuilds it from the store.</summary>
internal sealed class SnapshotDamagedException(string message) : Exception(message);

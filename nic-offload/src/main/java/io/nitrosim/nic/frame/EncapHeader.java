package io.nitrosim.nic.frame;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the VPC encapsulation header that cards put in front of a guest frame when it crosses the
 * fabric (in-process fabric rings or the UDP transport between processes). Network byte order.
 * <pre>
 *   0  version            u8    1
 *   1  flags              u8    bit 0 TRUNCATED: the inner frame carries its headers only (timing-only mode)
 *   2  header length      u16   32
 *   4  VNI                u32   24-bit virtual network id of the source ENI's VPC (bits 31:24 zero)
 *   8  source host id     u32
 *  12  destination host   u32
 *  16  source ENI         u32   ENI number (24 bits) assigned by the VPC model
 *  20  destination ENI    u32
 *  24  inner length       u32   full inner frame length on the simulated wire (what shapers charge)
 *  28  flow hash          u32   hash of the inner 5-tuple
 *  32  inner frame        captured bytes (all of it, or the headers when TRUNCATED)
 * </pre>
 */
public final class EncapHeader
{
    public static final int VERSION_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int HEADER_LENGTH_OFFSET = 2;
    public static final int VNI_OFFSET = 4;
    public static final int SRC_HOST_OFFSET = 8;
    public static final int DST_HOST_OFFSET = 12;
    public static final int SRC_ENI_OFFSET = 16;
    public static final int DST_ENI_OFFSET = 20;
    public static final int INNER_LENGTH_OFFSET = 24;
    public static final int FLOW_HASH_OFFSET = 28;
    public static final int LENGTH = 32;
    public static final int VERSION = 1;
    public static final int FLAG_TRUNCATED = 0x01;
    public static final int MAX_VNI = (1 << 24) - 1;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public EncapHeader wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    public EncapHeader wrapForWrite(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Writes every field. */
    public EncapHeader write(
        final int vni,
        final int srcHostId,
        final int dstHostId,
        final int srcEni,
        final int dstEni,
        final int innerLength,
        final int flowHash,
        final boolean truncated)
    {
        final MutableDirectBuffer b = mutableBuffer;
        final int o = offset;
        b.putByte(o + VERSION_OFFSET, (byte)VERSION);
        b.putByte(o + FLAGS_OFFSET, (byte)(truncated ? FLAG_TRUNCATED : 0));
        b.putShort(o + HEADER_LENGTH_OFFSET, (short)LENGTH, NET);
        b.putInt(o + VNI_OFFSET, vni & MAX_VNI, NET);
        b.putInt(o + SRC_HOST_OFFSET, srcHostId, NET);
        b.putInt(o + DST_HOST_OFFSET, dstHostId, NET);
        b.putInt(o + SRC_ENI_OFFSET, srcEni, NET);
        b.putInt(o + DST_ENI_OFFSET, dstEni, NET);
        b.putInt(o + INNER_LENGTH_OFFSET, innerLength, NET);
        b.putInt(o + FLOW_HASH_OFFSET, flowHash, NET);
        return this;
    }

    /** Whether version and header length are the ones this build speaks. */
    public boolean isValid(final int availableLength)
    {
        return availableLength >= LENGTH
            && (buffer.getByte(offset + VERSION_OFFSET) & 0xFF) == VERSION
            && (buffer.getShort(offset + HEADER_LENGTH_OFFSET, NET) & 0xFFFF) == LENGTH;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public boolean isTruncated()
    {
        return (flags() & FLAG_TRUNCATED) != 0;
    }

    public int vni()
    {
        return buffer.getInt(offset + VNI_OFFSET, NET) & MAX_VNI;
    }

    public int srcHostId()
    {
        return buffer.getInt(offset + SRC_HOST_OFFSET, NET);
    }

    public int dstHostId()
    {
        return buffer.getInt(offset + DST_HOST_OFFSET, NET);
    }

    public int srcEni()
    {
        return buffer.getInt(offset + SRC_ENI_OFFSET, NET);
    }

    public int dstEni()
    {
        return buffer.getInt(offset + DST_ENI_OFFSET, NET);
    }

    public int innerLength()
    {
        return buffer.getInt(offset + INNER_LENGTH_OFFSET, NET);
    }

    public int flowHash()
    {
        return buffer.getInt(offset + FLOW_HASH_OFFSET, NET);
    }

    /** Offset of the inner frame from the start of the header. */
    public static int innerOffset()
    {
        return LENGTH;
    }
}

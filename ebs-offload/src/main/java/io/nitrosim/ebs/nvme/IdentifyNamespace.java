package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The 4096-byte Identify Namespace data structure (CNS 00h, NVM Command Set), as a flyweight. Little-endian.
 * <pre>
 * offset  length  field
 *    0      8     NSZE     namespace size in logical blocks
 *    8      8     NCAP     capacity in logical blocks
 *   16      8     NUSE     utilization in logical blocks
 *   24      1     NSFEAT   THINP[0], NSABP[1], DAE[2], UIDREUSE[3], OPTPERF[4]
 *   25      1     NLBAF    number of LBA formats (0-based)
 *   26      1     FLBAS    formatted LBA size: format index[3:0], extended metadata[4]
 *   27      1     MC       metadata capabilities
 *   28      1     DPC      end-to-end data protection capabilities
 *   29      1     DPS      data protection settings
 *   30      1     NMIC     multi-path / sharing
 *   31      1     RESCAP   reservation capabilities
 *   32      1     FPI      format progress
 *   33      1     DLFEAT   deallocate features: read behaviour[2:0] (1 = reads return zeros)
 *   34      2     NAWUN
 *   36      2     NAWUPF
 *   38      2     NACWU
 *   46      2     NOIOB    optimal I/O boundary in blocks
 *   48     16     NVMCAP   capacity in bytes (u128)
 *  104     16     NGUID
 *  120      8     EUI64
 *  128    4x64    LBAF0..  LBA formats: MS[15:0] metadata bytes, LBADS[23:16] data size 2^LBADS, RP[25:24]
 * </pre>
 */
public final class IdentifyNamespace
{
    public static final int LENGTH = 4096;
    public static final int NSZE_OFFSET = 0;
    public static final int NCAP_OFFSET = 8;
    public static final int NUSE_OFFSET = 16;
    public static final int NSFEAT_OFFSET = 24;
    public static final int NLBAF_OFFSET = 25;
    public static final int FLBAS_OFFSET = 26;
    public static final int MC_OFFSET = 27;
    public static final int DPC_OFFSET = 28;
    public static final int DPS_OFFSET = 29;
    public static final int NMIC_OFFSET = 30;
    public static final int RESCAP_OFFSET = 31;
    public static final int FPI_OFFSET = 32;
    public static final int DLFEAT_OFFSET = 33;
    public static final int NAWUN_OFFSET = 34;
    public static final int NAWUPF_OFFSET = 36;
    public static final int NACWU_OFFSET = 38;
    public static final int NOIOB_OFFSET = 46;
    public static final int NVMCAP_OFFSET = 48;
    public static final int NGUID_OFFSET = 104;
    public static final int EUI64_OFFSET = 120;
    public static final int LBAF_OFFSET = 128;
    public static final int LBAF_LENGTH = 4;
    public static final int MAX_LBA_FORMATS = 64;

    public static final int FLBAS_FORMAT_MASK = 0xF;
    public static final int DLFEAT_READ_ZEROES = 1;
    public static final int LBAF_LBADS_SHIFT = 16;
    public static final int LBAF_RP_SHIFT = 24;

    private MutableDirectBuffer buffer;
    private DirectBuffer readBuffer;
    private int offset;

    public IdentifyNamespace wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.readBuffer = buffer;
        this.offset = offset;
        return this;
    }

    public IdentifyNamespace wrapForRead(final DirectBuffer buffer, final int offset)
    {
        this.buffer = null;
        this.readBuffer = buffer;
        this.offset = offset;
        return this;
    }

    public IdentifyNamespace clear()
    {
        buffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    /**
     * A namespace of {@code blocks} blocks of 2^{@code lbaShift} bytes with one LBA format and no metadata; reads
     * of deallocated blocks return zeros (DLFEAT); NSZE = NCAP = NUSE; NVMCAP in bytes.
     */
    public IdentifyNamespace simpleNamespace(final long blocks, final int lbaShift)
    {
        size(blocks).capacity(blocks).utilization(blocks);
        buffer.putByte(offset + NLBAF_OFFSET, (byte)0);
        buffer.putByte(offset + FLBAS_OFFSET, (byte)0);
        buffer.putByte(offset + DLFEAT_OFFSET, (byte)DLFEAT_READ_ZEROES);
        buffer.putLong(offset + NVMCAP_OFFSET, blocks << lbaShift, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + NVMCAP_OFFSET + 8, 0, ByteOrder.LITTLE_ENDIAN);
        return lbaFormat(0, 0, lbaShift, 0);
    }

    public long size()
    {
        return readBuffer.getLong(offset + NSZE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public IdentifyNamespace size(final long blocks)
    {
        buffer.putLong(offset + NSZE_OFFSET, blocks, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public long capacity()
    {
        return readBuffer.getLong(offset + NCAP_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public IdentifyNamespace capacity(final long blocks)
    {
        buffer.putLong(offset + NCAP_OFFSET, blocks, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public long utilization()
    {
        return readBuffer.getLong(offset + NUSE_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public IdentifyNamespace utilization(final long blocks)
    {
        buffer.putLong(offset + NUSE_OFFSET, blocks, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Index of the LBA format in use (FLBAS[3:0]). */
    public int formattedLbaIndex()
    {
        return readBuffer.getByte(offset + FLBAS_OFFSET) & FLBAS_FORMAT_MASK;
    }

    /** Selects LBA format {@code index} as the one in use (FLBAS[3:0]; no extended metadata). */
    public IdentifyNamespace formattedLbaIndex(final int index)
    {
        buffer.putByte(offset + FLBAS_OFFSET, (byte)(index & FLBAS_FORMAT_MASK));
        return this;
    }

    public int lbaFormatCount()
    {
        return (readBuffer.getByte(offset + NLBAF_OFFSET) & 0xFF) + 1;
    }

    /** Sets the number of LBA formats described (NLBAF, stored 0-based). */
    public IdentifyNamespace lbaFormatCount(final int count)
    {
        buffer.putByte(offset + NLBAF_OFFSET, (byte)(count - 1));
        return this;
    }

    public int deallocateFeatures()
    {
        return readBuffer.getByte(offset + DLFEAT_OFFSET) & 0xFF;
    }

    /** Sets LBA format {@code index}: metadata bytes, data size 2^lbaShift, relative performance 0..3. */
    public IdentifyNamespace lbaFormat(final int index, final int metadataBytes, final int lbaShift, final int rp)
    {
        final int value = (metadataBytes & 0xFFFF) | ((lbaShift & 0xFF) << LBAF_LBADS_SHIFT) | ((rp & 0x3) << LBAF_RP_SHIFT);
        buffer.putInt(offset + LBAF_OFFSET + LBAF_LENGTH * index, value, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** LBA data size of format {@code index} as a power of two (LBADS). */
    public int lbaDataSizeShift(final int index)
    {
        return readBuffer.getByte(offset + LBAF_OFFSET + LBAF_LENGTH * index + 2) & 0xFF;
    }

    public int lbaMetadataBytes(final int index)
    {
        return readBuffer.getShort(offset + LBAF_OFFSET + LBAF_LENGTH * index, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** Logical block size in bytes of the format in use. */
    public int blockSizeBytes()
    {
        return 1 << lbaDataSizeShift(formattedLbaIndex());
    }
}

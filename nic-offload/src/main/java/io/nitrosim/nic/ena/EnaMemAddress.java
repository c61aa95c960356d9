package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ENA's 48-bit address field (ena_common_mem_addr): address bits 31:0 as a u32, then bits 47:32 as a u16
 * (the next u16 is reserved, or another field in descriptors). Little-endian.
 */
public final class EnaMemAddress
{
    public static final int LOW_OFFSET = 0;
    public static final int HIGH_OFFSET = 4;
    /** Bits an ENA address can carry. */
    public static final long MASK = EnaRegisters.DMA_ADDRESS_LIMIT - 1;

    private EnaMemAddress()
    {
    }

    public static long get(final DirectBuffer buffer, final int index)
    {
        return (buffer.getInt(index + LOW_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL)
            | ((buffer.getShort(index + HIGH_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFFL) << 32);
    }

    /** Writes the low 48 bits of {@code address} (the u16 after the high part is left alone). */
    public static void put(final MutableDirectBuffer buffer, final int index, final long address)
    {
        buffer.putInt(index + LOW_OFFSET, (int)address, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(index + HIGH_OFFSET, (short)(address >>> 32), ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether {@code address} fits the 48-bit field without losing bits. */
    public static boolean fits(final long address)
    {
        return address >= 0 && address < EnaRegisters.DMA_ADDRESS_LIMIT;
    }
}

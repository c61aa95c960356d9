package io.nitrosim.payload;

import java.util.Arrays;

import org.agrona.DirectBuffer;

/**
 * Bulk checks of payload bytes for the full-payload workloads (iperf frames, fio blocks), which compare what
 * arrived with a precomputed pattern instead of looking at one byte at a time.
 */
public final class PayloadBytes
{
    private PayloadBytes()
    {
    }

    /**
     * Whether {@code length} bytes of {@code a} at {@code aIndex} equal those of {@code b} at {@code bIndex}.
     * Buffers over Java arrays are compared with {@link Arrays#equals(byte[], int, int, byte[], int, int)} (a
     * vectorized intrinsic); any other pair eight bytes at a time.
     *
     * @throws IndexOutOfBoundsException if a range is outside its buffer.
     */
    public static boolean equal(
        final DirectBuffer a, final int aIndex, final DirectBuffer b, final int bIndex, final int length)
    {
        a.boundsCheck(aIndex, length);
        b.boundsCheck(bIndex, length);
        final byte[] aArray = a.byteArray();
        final byte[] bArray = b.byteArray();
        if (aArray != null && bArray != null)
        {
            final int aFrom = a.wrapAdjustment() + aIndex;
            final int bFrom = b.wrapAdjustment() + bIndex;
            return Arrays.equals(aArray, aFrom, aFrom + length, bArray, bFrom, bFrom + length);
        }
        int i = 0;
        for (final int words = length & ~7; i < words; i += 8)
        {
            if (a.getLong(aIndex + i) != b.getLong(bIndex + i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (a.getByte(aIndex + i) != b.getByte(bIndex + i))
            {
                return false;
            }
        }
        return true;
    }
}

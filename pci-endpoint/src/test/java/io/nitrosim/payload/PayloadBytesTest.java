package io.nitrosim.payload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PayloadBytesTest
{
    private static final int LENGTH = 1000;

    /** The same bytes at {@code offset} of buffers of every kind: array, array slice, direct. */
    private static MutableDirectBuffer[] buffers(final int offset)
    {
        final MutableDirectBuffer[] buffers = {
            new UnsafeBuffer(new byte[offset + LENGTH + 16]),
            new UnsafeBuffer(new byte[offset + LENGTH + 40], 24, offset + LENGTH + 16),
            new UnsafeBuffer(ByteBuffer.allocateDirect(offset + LENGTH + 16))};
        for (final MutableDirectBuffer b : buffers)
        {
            for (int i = 0; i < LENGTH; i++)
            {
                b.putByte(offset + i, (byte)(i * 7 + 3));
            }
        }
        return buffers;
    }

    @Test
    void shouldFindEqualRangesEqualWhateverBacksTheBuffers()
    {
        for (final MutableDirectBuffer a : buffers(5))
        {
            for (final MutableDirectBuffer b : buffers(11))
            {
                assertTrue(PayloadBytes.equal(a, 5, b, 11, LENGTH));
                assertTrue(PayloadBytes.equal(a, 5 + 100, b, 11 + 100, 0), "empty ranges are equal");
                assertFalse(PayloadBytes.equal(a, 5, b, 12, LENGTH), "shifted by one");
            }
        }
    }

    @Test
    void shouldFindOneChangedByteAtAnyPosition()
    {
        // Positions in the first and last word, in the middle, and in the tail after the last whole word.
        for (final int position : new int[] {0, 7, 8, 500, 991, 992, 995, 999})
        {
            for (final MutableDirectBuffer a : buffers(5))
            {
                for (final MutableDirectBuffer b : buffers(3))
                {
                    b.putByte(3 + position, (byte)(b.getByte(3 + position) ^ 0x10));
                    assertFalse(PayloadBytes.equal(a, 5, b, 3, LENGTH), "changed byte at " + position);
                    assertTrue(PayloadBytes.equal(a, 5, b, 3, position), "equal up to it");
                    assertTrue(PayloadBytes.equal(a, 5 + position + 1, b, 3 + position + 1, LENGTH - position - 1),
                        "equal after it");
                }
            }
        }
    }

    @Test
    void shouldRefuseRangesOutsideTheBuffers()
    {
        final MutableDirectBuffer[] a = buffers(0);
        final MutableDirectBuffer[] b = buffers(0);
        assertThrows(IndexOutOfBoundsException.class, () -> PayloadBytes.equal(a[0], 0, b[0], 20, LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> PayloadBytes.equal(a[1], 20, b[2], 0, LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> PayloadBytes.equal(a[2], -1, b[2], 0, 8));
    }
}

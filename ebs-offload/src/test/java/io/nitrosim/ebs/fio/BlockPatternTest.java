package io.nitrosim.ebs.fio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FakeGuestMemoryAccess;

class BlockPatternTest
{
    private static final int BS = 16 * 1024;
    private static final long ADDRESS = 0x1_0000;

    private final FakeGuestMemoryAccess memory = new FakeGuestMemoryAccess(new FakeGuestMemory(0, 1 << 20));
    private final BlockPattern pattern = new BlockPattern(256 * 1024);
    private final UnsafeBuffer block = new UnsafeBuffer(new byte[BS]);

    private UnsafeBuffer written(final long lba, final long generation, final int lengthBytes)
    {
        pattern.write(memory, ADDRESS, lba, generation, lengthBytes);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[lengthBytes]);
        memory.read(ADDRESS, copy, 0, lengthBytes);
        return copy;
    }

    @Test
    void shouldWriteTheLbaAndGenerationLittleEndianThenTheBody()
    {
        final UnsafeBuffer b = written(0x0102_0304_0506L, 3, BS);
        assertEquals(6, b.getByte(0), "little-endian: least significant byte first");
        assertEquals(1, b.getByte(5));
        assertEquals(0x0102_0304_0506L, memory.getLong(ADDRESS));
        assertEquals(3, memory.getLong(ADDRESS + 8));
        assertTrue(pattern.matches(b, 0, 0x0102_0304_0506L, 3, BS));
    }

    @Test
    void shouldGiveEachBlockAndGenerationItsOwnBody()
    {
        final UnsafeBuffer g1 = written(40, 1, BS);
        final UnsafeBuffer g2 = written(40, 2, BS);
        final UnsafeBuffer other = written(41, 1, BS);
        assertNotEquals(g1.getLong(16), g2.getLong(16), "consecutive generations differ in their body");
        assertFalse(pattern.matches(g1, 0, 40, 2, BS), "a stale write");
        assertFalse(pattern.matches(other, 0, 40, 1, BS), "a misdirected write");
        g2.putLong(8, 1); // the header of generation 1 on the body of generation 2: a torn write
        assertFalse(pattern.matches(g2, 0, 40, 1, BS));
        assertTrue(pattern.matches(written(7, 1, 512), 0, 7, 1, 512), "the smallest block");
        assertTrue(pattern.matches(written(7, 1, 256 * 1024 - 8), 0, 7, 1, 256 * 1024 - 8));
    }

    @Test
    void shouldFailOnOneChangedByteAnywhere()
    {
        final UnsafeBuffer b = written(1234, 5, BS);
        for (final int position : new int[] {0, 7, 8, 15, 16, 23, 4096, BS - 9, BS - 1})
        {
            b.putByte(position, (byte)(b.getByte(position) ^ 0x01));
            assertFalse(pattern.matches(b, 0, 1234, 5, BS), "flipped bit at " + position);
            b.putByte(position, (byte)(b.getByte(position) ^ 0x01));
        }
        assertTrue(pattern.matches(b, 0, 1234, 5, BS));
    }

    @Test
    void shouldRefuseBlocksOutsideItsSize()
    {
        assertThrows(IllegalArgumentException.class, () -> pattern.write(memory, ADDRESS, 0, 1, 256 * 1024 + 8));
        assertThrows(IllegalArgumentException.class, () -> pattern.matches(block, 0, 0, 1, 8));
        assertThrows(IllegalArgumentException.class, () -> new BlockPattern(15));
    }
}

package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.hypervisor.memory.MappedGuestMemory;
import io.nitrosim.time.VirtualTimeRuntime;

class GuestMemoryTest
{
    private static final long GIB = 1L << 30;

    @Test
    void shouldReadAndWriteAcrossChunkBoundaries(@TempDir final Path dir)
    {
        try (MappedGuestMemory memory = MappedGuestMemory.create(dir.resolve("m"), 4 * GIB, (int)GIB))
        {
            // Bulk write of 64 bytes straddling the 1 GiB boundary, read back through a DirectBuffer.
            final UnsafeBuffer src = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < 64; i++)
            {
                src.putByte(i, (byte)(i + 1));
            }
            assertTrue(memory.write(GIB - 32, src, 0, 64));
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
            assertTrue(memory.read(GIB - 32, dst, 0, 64));
            assertArrayEquals(src.byteArray(), dst.byteArray());
            assertEquals(32, memory.getByte(GIB - 1));
            assertEquals(33, memory.getByte(GIB));

            // Typed accessors split little-endian values across the boundary at every offset.
            for (int offset = 1; offset < 8; offset++)
            {
                final long address = 2 * GIB - offset;
                memory.putLong(address, 0x0102030405060708L * offset);
                assertEquals(0x0102030405060708L * offset, memory.getLong(address));
            }
            memory.putInt(3 * GIB - 2, 0xA1B2C3D4);
            assertEquals(0xA1B2C3D4, memory.getInt(3 * GIB - 2));
            assertEquals((byte)0xD4, memory.getByte(3 * GIB - 2), "little-endian: low byte first");
            assertEquals((byte)0xA1, memory.getByte(3 * GIB + 1));

            final byte[] bytes = {9, 8, 7, 6, 5};
            memory.putBytes(GIB - 2, bytes, 0, 5);
            final byte[] back = new byte[5];
            memory.getBytes(GIB - 2, back, 0, 5);
            assertArrayEquals(bytes, back);

            memory.setMemory(GIB - 3, 6, (byte)0x7F);
            assertEquals(0x7F7F7F7F, memory.getInt(GIB - 2));
        }
    }

    @Test
    void shouldCopyWithinAChunkToAndFromHeapAndDirectBuffersAtAnyOffset(@TempDir final Path dir)
    {
        final int chunk = 1 << 20;
        final MappedGuestMemory memory = MappedGuestMemory.create(dir.resolve("m"), 4L * chunk, chunk);
        final byte[] backing = new byte[300];
        final UnsafeBuffer[] buffers = {
            new UnsafeBuffer(new byte[200]),
            new UnsafeBuffer(backing, 37, 200),                               // a window of an array
            new UnsafeBuffer(ByteBuffer.allocateDirect(200)),                 // off-heap
            new UnsafeBuffer(ByteBuffer.allocateDirect(256).position(13).slice())};
        final long[] addresses = {0, 5, chunk - 128, 3L * chunk + 1000, 4L * chunk - 128};
        int round = 0;
        for (final UnsafeBuffer src : buffers)
        {
            for (final UnsafeBuffer dst : buffers)
            {
                for (final long address : addresses)
                {
                    for (final int length : new int[] {1, 16, 127, 128})
                    {
                        round++;
                        for (int i = 0; i < 200; i++)
                        {
                            src.putByte(i, (byte)(i * 7 + round));
                        }
                        dst.setMemory(0, 200, (byte)0);
                        assertTrue(memory.write(address, src, 72 - length / 2, length));
                        assertTrue(memory.read(address, dst, 3, length));
                        for (int i = 0; i < 200; i++)
                        {
                            final byte expected = i >= 3 && i < 3 + length ? src.getByte(72 - length / 2 + i - 3) : 0;
                            assertEquals(expected, dst.getByte(i), "byte " + i + " of " + length + " at " + address);
                        }
                        assertEquals(src.getByte(72 - length / 2), memory.getByte(address));
                    }
                }
            }
        }
        memory.close();
        assertFalse(memory.read(0, buffers[0], 0, 16), "closed: refused");
        assertFalse(memory.write(0, buffers[0], 0, 16), "closed: refused");
    }

    @Test
    void shouldAddressTheHighMemoryOfAC518xlarge()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance big = host.launchRunning("c5.18xlarge");
            final GuestMemory memory = big.memory();
            assertEquals(144 * GIB, memory.sizeBytes());
            memory.putLong(143 * GIB, 0x143L);
            memory.putLong(144 * GIB - 8, 0x7E57L);
            memory.putInt(100 * GIB - 2, 0x12345678);
            assertEquals(0x143L, memory.getLong(143 * GIB));
            assertEquals(0x7E57L, memory.getLong(144 * GIB - 8));
            assertEquals(0x12345678, memory.getInt(100 * GIB - 2));
            assertEquals(0, memory.getLong(142 * GIB), "untouched memory reads as zero");

            final IndexOutOfBoundsException ex =
                assertThrows(IndexOutOfBoundsException.class, () -> memory.getLong(144 * GIB - 4));
            assertEquals("guest-physical access of 8 B at 0x23fffffffc is outside guest memory [0x0, 0x2400000000)",
                ex.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> memory.putByte(144 * GIB, (byte)1));
            assertThrows(IndexOutOfBoundsException.class, () -> memory.getByte(-1));
        }
    }

    @Test
    void shouldRefuseOutOfRangeBulkAccessesWholeWithoutExceptions(@TempDir final Path dir)
    {
        try (MappedGuestMemory memory = MappedGuestMemory.create(dir.resolve("m"), 64L << 20, 2 << 20))
        {
            final long size = memory.sizeBytes();
            memory.putLong(size - 8, -1L);
            final UnsafeBuffer dst = new UnsafeBuffer(new byte[16]);
            dst.setMemory(0, 16, (byte)0x55);
            assertFalse(memory.read(size - 4, dst, 0, 8), "straddles the end");
            assertFalse(memory.read(-8, dst, 0, 8));
            assertFalse(memory.read(Long.MAX_VALUE - 3, dst, 0, 8), "address + length overflows");
            assertFalse(memory.read(Long.MIN_VALUE, dst, 0, 8));
            assertFalse(memory.read(0, dst, 0, -1));
            assertFalse(memory.read(0, dst, 12, 8), "destination too small");
            for (int i = 0; i < 16; i++)
            {
                assertEquals(0x55, dst.getByte(i), "nothing copied on refusal");
            }
            final UnsafeBuffer src = new UnsafeBuffer(new byte[16]);
            assertFalse(memory.write(size - 8, src, 0, 16));
            assertEquals(-1L, memory.getLong(size - 8), "nothing written on refusal");
            assertTrue(memory.read(size - 8, dst, 0, 8));
            assertTrue(memory.contains(size, 0));
            assertFalse(memory.contains(size + 1, 0));
            assertFalse(memory.contains(1, Long.MAX_VALUE));
        }
    }

    @Test
    void shouldCreateASparseFileAndDeleteItOnClose(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("sparse.mem");
        final MappedGuestMemory memory = MappedGuestMemory.create(file, 144 * GIB, (int)GIB);
        assertEquals(144 * GIB, Files.size(file));
        memory.putLong(77 * GIB, 1);
        memory.close();
        assertFalse(Files.exists(file));
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[8]);
        assertFalse(memory.read(0, dst, 0, 8), "a closed memory refuses DMA");
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> memory.getLong(0));
        assertEquals("guest memory sparse.mem is closed (instance terminated)", ex.getMessage());
    }

    @Test
    void shouldRefuseToReuseAnExistingFile(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.createFile(dir.resolve("taken.mem"));
        final java.io.UncheckedIOException ex = assertThrows(java.io.UncheckedIOException.class,
            () -> MappedGuestMemory.create(file, 4 * GIB, (int)GIB));
        assertTrue(ex.getMessage().startsWith("cannot create guest memory file " + file), ex.getMessage());
        assertEquals(0, Files.size(file));
    }

    @Test
    void shouldRequireAlignmentForVolatileAccess(@TempDir final Path dir)
    {
        try (MappedGuestMemory memory = MappedGuestMemory.create(dir.resolve("m"), 4 << 20, 2 << 20))
        {
            memory.putIntVolatile(0x1004, 0x11223344);
            assertEquals(0x11223344, memory.getIntVolatile(0x1004));
            assertEquals(0x44, memory.getByte(0x1004), "volatile accesses are little-endian too");
            memory.putLongVolatile(0x2008, 0x0102030405060708L);
            assertEquals(0x0102030405060708L, memory.getLong(0x2008));
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> memory.getLongVolatile(0x2004));
            assertEquals("volatile access of 8 B at 0x2004 must be 8-byte aligned", ex.getMessage());
        }
    }
}

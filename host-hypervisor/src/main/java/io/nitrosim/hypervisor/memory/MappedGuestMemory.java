package io.nitrosim.hypervisor.memory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.hypervisor.guest.GuestMemory;

/**
 * Guest memory backed by a sparse file mapped in chunks.
 * <p>
 * The file is created with {@code setLength} and never written whole, so only the pages a guest or a device
 * touches cost RAM (and disk). One mapping is limited to 2 GiB, so the file is mapped in chunks of
 * {@code chunkBytes} (a power of two, at most 1 GiB), each wrapped by an {@link UnsafeBuffer}: guest-physical
 * address {@code a} lives in chunk {@code a >>> chunkShift} at offset {@code a & chunkMask}. Accesses that span
 * a chunk boundary are split.
 * <p>
 * Thread-safety: accesses may come from vCPU threads and device threads at once (as on real hardware, ordering
 * between them is the guest's and the device's business); {@link #close()} must happen only after every
 * accessor has stopped (the host removes vCPU and device agents first). Bulk reads issue an acquire fence
 * before copying and bulk writes a release fence after, so a DMA written before an interrupt or doorbell
 * handed over through a ring is seen whole.
 */
public final class MappedGuestMemory implements GuestMemory, AutoCloseable
{
    public static final int MAX_CHUNK_BYTES = 1 << 30;
    /** Volatile accessors work in native order; guest memory is little-endian. */
    private static final boolean NATIVE_LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private final long sizeBytes;
    private final int chunkBytes;
    private final int chunkShift;
    private final long chunkMask;
    private final MappedByteBuffer[] mappings;
    private final UnsafeBuffer[] chunks;
    private volatile boolean closed;

    private MappedGuestMemory(final Path file, final long sizeBytes, final int chunkBytes, final MappedByteBuffer[] maps)
    {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.chunkBytes = chunkBytes;
        this.chunkShift = Integer.numberOfTrailingZeros(chunkBytes);
        this.chunkMask = chunkBytes - 1L;
        this.mappings = maps;
        this.chunks = new UnsafeBuffer[maps.length];
        for (int i = 0; i < maps.length; i++)
        {
            chunks[i] = new UnsafeBuffer(maps[i]);
        }
    }

    /**
     * Creates a new sparse file of {@code sizeBytes} at {@code file} (which must not exist) and maps it.
     *
     * @throws UncheckedIOException if the file exists or cannot be created or mapped; nothing is left behind.
     */
    public static MappedGuestMemory create(final Path file, final long sizeBytes, final int chunkBytes)
    {
        if (sizeBytes <= 0)
        {
            throw new IllegalArgumentException("guest memory size " + sizeBytes + " B must be positive");
        }
        if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES || Integer.bitCount(chunkBytes) != 1)
        {
            throw new IllegalArgumentException(
                "chunk size " + chunkBytes + " B must be a power of two in [1, " + MAX_CHUNK_BYTES + "]");
        }
        final long chunkCount = (sizeBytes + chunkBytes - 1) / chunkBytes;
        final MappedByteBuffer[] maps = new MappedByteBuffer[(int)chunkCount];
        try
        {
            Files.createFile(file);
            DeleteAtExit.register(file); // a host that is never closed still leaves no 100+ GiB sparse files behind
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create guest memory file " + file + ": " + ex, ex);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(sizeBytes); // sparse: no block is written
            final FileChannel channel = raf.getChannel();
            for (int i = 0; i < maps.length; i++)
            {
                final long position = (long)i * chunkBytes;
                maps[i] = channel.map(FileChannel.MapMode.READ_WRITE, position, Math.min(chunkBytes, sizeBytes - position));
            }
            // The mappings stay valid after the channel closes.
        }
        catch (final IOException ex)
        {
            for (final MappedByteBuffer map : maps)
            {
                if (map != null)
                {
                    IoUtil.unmap(map);
                }
            }
            deleteAndRelease(file);
            throw new UncheckedIOException("cannot map guest memory file " + file + " (" + sizeBytes + " B): " + ex, ex);
        }
        return new MappedGuestMemory(file, sizeBytes, chunkBytes, maps);
    }

    public Path file()
    {
        return file;
    }

    public int chunkBytes()
    {
        return chunkBytes;
    }

    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public long sizeBytes()
    {
        return sizeBytes;
    }

    @Override
    public boolean contains(final long guestPhysicalAddress, final long lengthBytes)
    {
        // Checked arithmetic without an exception: sizeBytes - lengthBytes cannot overflow once both are >= 0.
        return guestPhysicalAddress >= 0 && lengthBytes >= 0 && lengthBytes <= sizeBytes
            && guestPhysicalAddress <= sizeBytes - lengthBytes;
    }

    @Override
    public boolean read(final long guestPhysicalAddress, final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        if (closed || !contains(guestPhysicalAddress, length) || !fits(dst.capacity(), dstOffset, length))
        {
            return false;
        }
        VarHandle.acquireFence();
        final int first = (int)(guestPhysicalAddress & chunkMask);
        final UnsafeBuffer chunk = chunks[(int)(guestPhysicalAddress >>> chunkShift)];
        if (first <= chunk.capacity() - length)
        {
            if (length == Long.BYTES || length == 2 * Long.BYTES)
            {
                // A queue entry (ENA TX completion 8 B; ENA RX completion, NVMe CQE, descriptors 16 B), read on
                // every driver call: one or two word moves in the platform's order (the same bytes) beat
                // copyMemory's checks and call for so few bytes.
                dst.putLong(dstOffset, chunk.getLong(first));
                if (length > Long.BYTES)
                {
                    dst.putLong(dstOffset + Long.BYTES, chunk.getLong(first + Long.BYTES));
                }
                return true;
            }
            // Within one chunk (nearly always): one copy under the checks above, none per buffer on the way.
            UnsafeApi.copyMemory(null, chunk.addressOffset() + first, dst.byteArray(), dst.addressOffset() + dstOffset,
                length);
            return true;
        }
        long address = guestPhysicalAddress;
        int offset = dstOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int within = (int)(address & chunkMask);
            final int n = Math.min(remaining, chunkBytes - within);
            chunks[(int)(address >>> chunkShift)].getBytes(within, dst, offset, n);
            address += n;
            offset += n;
            remaining -= n;
        }
        return true;
    }

    @Override
    public boolean write(final long guestPhysicalAddress, final DirectBuffer src, final int srcOffset, final int length)
    {
        if (closed || !contains(guestPhysicalAddress, length) || !fits(src.capacity(), srcOffset, length))
        {
            return false;
        }
        final int first = (int)(guestPhysicalAddress & chunkMask);
        final UnsafeBuffer chunk = chunks[(int)(guestPhysicalAddress >>> chunkShift)];
        if (first <= chunk.capacity() - length)
        {
            if (length == Long.BYTES || length == 2 * Long.BYTES)
            {
                chunk.putLong(first, src.getLong(srcOffset)); // a queue entry: as in read
                if (length > Long.BYTES)
                {
                    chunk.putLong(first + Long.BYTES, src.getLong(srcOffset + Long.BYTES));
                }
            }
            else
            {
                UnsafeApi.copyMemory(src.byteArray(), src.addressOffset() + srcOffset, null,
                    chunk.addressOffset() + first, length);
            }
            VarHandle.releaseFence();
            return true;
        }
        long address = guestPhysicalAddress;
        int offset = srcOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int within = (int)(address & chunkMask);
            final int n = Math.min(remaining, chunkBytes - within);
            chunks[(int)(address >>> chunkShift)].putBytes(within, src, offset, n);
            address += n;
            offset += n;
            remaining -= n;
        }
        VarHandle.releaseFence();
        return true;
    }

    @Override
    public boolean view(final long guestPhysicalAddress, final int length, final UnsafeBuffer view)
    {
        if (closed || !contains(guestPhysicalAddress, length))
        {
            return false;
        }
        final int first = (int)(guestPhysicalAddress & chunkMask);
        final UnsafeBuffer chunk = chunks[(int)(guestPhysicalAddress >>> chunkShift)];
        if (first > chunk.capacity() - length)
        {
            return false; // spans two chunks
        }
        view.wrap(chunk, first, length);
        return true;
    }

    @Override
    public byte getByte(final long guestPhysicalAddress)
    {
        check(guestPhysicalAddress, 1);
        return chunks[(int)(guestPhysicalAddress >>> chunkShift)].getByte((int)(guestPhysicalAddress & chunkMask));
    }

    @Override
    public void putByte(final long guestPhysicalAddress, final byte value)
    {
        check(guestPhysicalAddress, 1);
        chunks[(int)(guestPhysicalAddress >>> chunkShift)].putByte((int)(guestPhysicalAddress & chunkMask), value);
    }

    @Override
    public int getInt(final long guestPhysicalAddress)
    {
        check(guestPhysicalAddress, 4);
        final int within = (int)(guestPhysicalAddress & chunkMask);
        if (within <= chunkBytes - 4)
        {
            return chunks[(int)(guestPhysicalAddress >>> chunkShift)].getInt(within, ByteOrder.LITTLE_ENDIAN);
        }
        return (int)getSpanning(guestPhysicalAddress, 4);
    }

    @Override
    public void putInt(final long guestPhysicalAddress, final int value)
    {
        check(guestPhysicalAddress, 4);
        final int within = (int)(guestPhysicalAddress & chunkMask);
        if (within <= chunkBytes - 4)
        {
            chunks[(int)(guestPhysicalAddress >>> chunkShift)].putInt(within, value, ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            putSpanning(guestPhysicalAddress, value, 4);
        }
    }

    @Override
    public long getLong(final long guestPhysicalAddress)
    {
        check(guestPhysicalAddress, 8);
        final int within = (int)(guestPhysicalAddress & chunkMask);
        if (within <= chunkBytes - 8)
        {
            return chunks[(int)(guestPhysicalAddress >>> chunkShift)].getLong(within, ByteOrder.LITTLE_ENDIAN);
        }
        return getSpanning(guestPhysicalAddress, 8);
    }

    @Override
    public void putLong(final long guestPhysicalAddress, final long value)
    {
        check(guestPhysicalAddress, 8);
        final int within = (int)(guestPhysicalAddress & chunkMask);
        if (within <= chunkBytes - 8)
        {
            chunks[(int)(guestPhysicalAddress >>> chunkShift)].putLong(within, value, ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            putSpanning(guestPhysicalAddress, value, 8);
        }
    }

    @Override
    public int getIntVolatile(final long guestPhysicalAddress)
    {
        checkAligned(guestPhysicalAddress, 4);
        // Aligned, so never spans a chunk.
        final int v = chunks[(int)(guestPhysicalAddress >>> chunkShift)].getIntVolatile((int)(guestPhysicalAddress & chunkMask));
        return NATIVE_LITTLE_ENDIAN ? v : Integer.reverseBytes(v);
    }

    @Override
    public void putIntVolatile(final long guestPhysicalAddress, final int value)
    {
        checkAligned(guestPhysicalAddress, 4);
        chunks[(int)(guestPhysicalAddress >>> chunkShift)].putIntVolatile(
            (int)(guestPhysicalAddress & chunkMask), NATIVE_LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
    }

    @Override
    public long getLongVolatile(final long guestPhysicalAddress)
    {
        checkAligned(guestPhysicalAddress, 8);
        final long v =
            chunks[(int)(guestPhysicalAddress >>> chunkShift)].getLongVolatile((int)(guestPhysicalAddress & chunkMask));
        return NATIVE_LITTLE_ENDIAN ? v : Long.reverseBytes(v);
    }

    @Override
    public void putLongVolatile(final long guestPhysicalAddress, final long value)
    {
        checkAligned(guestPhysicalAddress, 8);
        chunks[(int)(guestPhysicalAddress >>> chunkShift)].putLongVolatile(
            (int)(guestPhysicalAddress & chunkMask), NATIVE_LITTLE_ENDIAN ? value : Long.reverseBytes(value));
    }

    @Override
    public void getBytes(final long guestPhysicalAddress, final byte[] dst, final int dstOffset, final int length)
    {
        check(guestPhysicalAddress, length);
        checkArray(dst.length, dstOffset, length);
        long address = guestPhysicalAddress;
        int offset = dstOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int within = (int)(address & chunkMask);
            final int n = Math.min(remaining, chunkBytes - within);
            chunks[(int)(address >>> chunkShift)].getBytes(within, dst, offset, n);
            address += n;
            offset += n;
            remaining -= n;
        }
    }

    @Override
    public void putBytes(final long guestPhysicalAddress, final byte[] src, final int srcOffset, final int length)
    {
        check(guestPhysicalAddress, length);
        checkArray(src.length, srcOffset, length);
        long address = guestPhysicalAddress;
        int offset = srcOffset;
        int remaining = length;
        while (remaining > 0)
        {
            final int within = (int)(address & chunkMask);
            final int n = Math.min(remaining, chunkBytes - within);
            chunks[(int)(address >>> chunkShift)].putBytes(within, src, offset, n);
            address += n;
            offset += n;
            remaining -= n;
        }
    }

    @Override
    public void setMemory(final long guestPhysicalAddress, final long lengthBytes, final byte value)
    {
        check(guestPhysicalAddress, lengthBytes);
        long address = guestPhysicalAddress;
        long remaining = lengthBytes;
        while (remaining > 0)
        {
            final int within = (int)(address & chunkMask);
            final int n = (int)Math.min(remaining, chunkBytes - within);
            chunks[(int)(address >>> chunkShift)].setMemory(within, n, value);
            address += n;
            remaining -= n;
        }
    }

    /** Unmaps every chunk and deletes the file; further accesses are refused (bulk) or throw (typed). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < mappings.length; i++)
        {
            chunks[i].wrap(new byte[0]); // a stray access now fails the bounds check instead of touching unmapped memory
            IoUtil.unmap(mappings[i]);
            mappings[i] = null;
        }
        deleteAndRelease(file);
    }

    @Override
    public String toString()
    {
        return "MappedGuestMemory{" + file + ", " + sizeBytes + " B in " + chunks.length + " chunks of " + chunkBytes + " B}";
    }

    private long getSpanning(final long address, final int size)
    {
        long value = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            final long a = address + i;
            value = (value << 8) | (chunks[(int)(a >>> chunkShift)].getByte((int)(a & chunkMask)) & 0xFFL);
        }
        return value;
    }

    private void putSpanning(final long address, final long value, final int size)
    {
        for (int i = 0; i < size; i++)
        {
            final long a = address + i;
            chunks[(int)(a >>> chunkShift)].putByte((int)(a & chunkMask), (byte)(value >>> (8 * i)));
        }
    }

    private void check(final long address, final long length)
    {
        if (closed)
        {
            throw new IllegalStateException("guest memory " + file.getFileName() + " is closed (instance terminated)");
        }
        if (!contains(address, length))
        {
            throw new IndexOutOfBoundsException(String.format(
                "guest-physical access of %d B at 0x%x is outside guest memory [0x0, 0x%x)", length, address, sizeBytes));
        }
    }

    private void checkAligned(final long address, final int size)
    {
        check(address, size);
        if ((address & (size - 1)) != 0)
        {
            throw new IllegalArgumentException(String.format(
                "volatile access of %d B at 0x%x must be %d-byte aligned", size, address, size));
        }
    }

    private static void checkArray(final int capacity, final int offset, final int length)
    {
        if (!fits(capacity, offset, length))
        {
            throw new IndexOutOfBoundsException(
                "array range offset " + offset + " length " + length + " outside array of " + capacity + " B");
        }
    }

    private static boolean fits(final int capacity, final int offset, final int length)
    {
        return offset >= 0 && length >= 0 && offset <= capacity - length;
    }

    private static void deleteAndRelease(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // Best effort: the file lives in the host's memory directory, removed with it.
        }
        DeleteAtExit.release(file);
    }
}

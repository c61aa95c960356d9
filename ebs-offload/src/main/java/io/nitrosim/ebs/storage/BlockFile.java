package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A volume's blocks: one sparse file of the volume's size ({@code setLength}, never written whole), so only
 * written blocks take disk space. Positional reads and writes; not thread-safe (the engine serialises).
 * {@link BlockStore} decides when a file is open.
 */
final class BlockFile implements AutoCloseable
{
    /** Bytes {@link #zero} reads and writes at a time: the size of its scratch buffer. */
    static final int ZERO_CHUNK = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK);

    private final Path path;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final long sizeBytes;

    private BlockFile(final Path path, final RandomAccessFile file, final long sizeBytes)
    {
        this.path = path;
        this.file = file;
        this.channel = file.getChannel();
        this.sizeBytes = sizeBytes;
    }

    /** Creates (or opens) the file and sets its length; no data is written. */
    static BlockFile create(final Path path, final long sizeBytes) throws IOException
    {
        final RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try
        {
            if (file.length() != sizeBytes)
            {
                file.setLength(sizeBytes);
            }
            return new BlockFile(path, file, sizeBytes);
        }
        catch (final IOException ex)
        {
            file.close();
            throw ex;
        }
    }

    /** Opens an existing file of a known size. */
    static BlockFile open(final Path path, final long sizeBytes) throws IOException
    {
        return new BlockFile(path, new RandomAccessFile(path.toFile(), "rw"), sizeBytes);
    }

    Path path()
    {
        return path;
    }

    long sizeBytes()
    {
        return sizeBytes;
    }

    /** Reads {@code dst.remaining()} bytes at {@code position}. */
    void read(final long position, final ByteBuffer dst) throws IOException
    {
        long at = position;
        while (dst.hasRemaining())
        {
            final int n = channel.read(dst, at);
            if (n < 0)
            {
                while (dst.hasRemaining())
                {
                    dst.put((byte)0); // cannot happen within size; defensive for a truncated file
                }
                return;
            }
            at += n;
        }
    }

    /** Writes {@code src.remaining()} bytes at {@code position}. */
    void write(final long position, final ByteBuffer src) throws IOException
    {
        long at = position;
        while (src.hasRemaining())
        {
            at += channel.write(src, at);
        }
    }

    /**
     * Zeroes a range. Chunks that already read as zeros (holes included) are not rewritten, so trimming
     * never-written space keeps the file sparse.
     *
     * @param scratch a direct buffer of at least {@link #ZERO_CHUNK} bytes (the store's, shared by its files).
     */
    void zero(final long position, final long length, final ByteBuffer scratch) throws IOException
    {
        long at = position;
        final long end = position + length;
        while (at < end)
        {
            final int chunk = (int)Math.min(ZERO_CHUNK, end - at);
            scratch.clear().limit(chunk);
            read(at, scratch);
            scratch.flip();
            if (!allZero(scratch, chunk))
            {
                write(at, ZEROS.duplicate().limit(chunk));
            }
            at += chunk;
        }
    }

    private static boolean allZero(final ByteBuffer buffer, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (buffer.getLong(i) != 0)
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (buffer.get(i) != 0)
            {
                return false;
            }
        }
        return true;
    }

    void force() throws IOException
    {
        channel.force(true);
    }

    @Override
    public void close() throws IOException
    {
        file.close();
    }
}

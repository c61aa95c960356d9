package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The small checkpoint file: every journal record up to {@code journalIndex} is in the (forced) block files.
 * Written atomically: temp file, force, rename over the old one, force the directory.
 * <pre>
 *   0  magic         i32  0x4B504345 ("ECPK" little-endian)
 *   4  version       i32  1
 *   8  journalIndex  i64  Chronicle index of the last record applied and forced (-1: none)
 *  16  sequence      i64  last write sequence number assigned
 *  24  nextCycle     i32  journal cycle the next append goes to (the journal's logical clock)
 *  28  crc           i32  CRC32C of bytes 0..27
 * </pre>
 */
record Checkpoint(long journalIndex, long sequence, int nextCycle)
{
    static final String FILE_NAME = "checkpoint";
    static final int MAGIC = 0x4B504345;
    static final int VERSION = 1;
    static final int LENGTH = 32;
    static final Checkpoint NONE = new Checkpoint(-1, 0, 1);

    /** Reads the checkpoint, NONE if there is none; a damaged file is an error (it is only ever renamed in whole). */
    static Checkpoint read(final Path dir) throws IOException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(dir.resolve(FILE_NAME));
        }
        catch (final NoSuchFileException ex)
        {
            return NONE;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != LENGTH || buffer.getInt(0) != MAGIC || buffer.getInt(4) != VERSION
            || buffer.getInt(28) != crc(bytes))
        {
            throw new IOException("checkpoint file " + dir.resolve(FILE_NAME) + " is damaged (" + bytes.length
                + " B); expected " + LENGTH + " B with magic, version " + VERSION + " and a valid CRC");
        }
        return new Checkpoint(buffer.getLong(8), buffer.getLong(16), buffer.getInt(24));
    }

    void write(final Path dir) throws IOException
    {
        final byte[] bytes = new byte[LENGTH];
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, journalIndex).putLong(16, sequence).putInt(24, nextCycle);
        buffer.putInt(28, crc(bytes));
        final Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer src = ByteBuffer.wrap(bytes);
            while (src.hasRemaining())
            {
                channel.write(src);
            }
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(dir);
    }

    static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignore)
        {
            // Not every platform can open a directory; the rename is still atomic, only its durability is weaker.
        }
    }

    private static int crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 28);
        return (int)crc.getValue();
    }
}

package io.nitrosim.pci.queue;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One record of a {@link HandoffRing}, as a flyweight: the header of its {@link HandoffLayout}, then the payload.
 * Platform byte order, like Agrona's own record header: the ring never leaves the process. The id, generation and
 * status fields exist in {@link HandoffLayout#COMPLETION} records only.
 */
public final class HandoffRecord
{
    public static final int LENGTH_OFFSET = 0;
    public static final int ID_OFFSET = 4;
    public static final int GENERATION_OFFSET = 8;
    public static final int STATUS_OFFSET = 12;

    private MutableDirectBuffer buffer;
    private int index;
    private int recordLength;
    private int headerBytes;

    /** Wraps the record at {@code index} of {@code buffer}, {@code recordLength} bytes long (header included). */
    public HandoffRecord wrap(final MutableDirectBuffer buffer, final int index, final int recordLength,
        final HandoffLayout layout)
    {
        this.buffer = buffer;
        this.index = index;
        this.recordLength = recordLength;
        this.headerBytes = layout.headerBytes();
        return this;
    }

    /** Writes a frame record's header. */
    public HandoffRecord set(final int length)
    {
        buffer.putInt(index + LENGTH_OFFSET, length);
        return this;
    }

    /** Writes a completion record's header. */
    public HandoffRecord set(final int id, final int generation, final int status, final int length)
    {
        buffer.putInt(index + LENGTH_OFFSET, length);
        buffer.putInt(index + ID_OFFSET, id);
        buffer.putInt(index + GENERATION_OFFSET, generation);
        buffer.putInt(index + STATUS_OFFSET, status);
        return this;
    }

    public int length()
    {
        return buffer.getInt(index + LENGTH_OFFSET);
    }

    public int id()
    {
        return buffer.getInt(index + ID_OFFSET);
    }

    public int generation()
    {
        return buffer.getInt(index + GENERATION_OFFSET);
    }

    public int status()
    {
        return buffer.getInt(index + STATUS_OFFSET);
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** Index of the record's first byte (its header) in {@link #buffer()}. */
    public int index()
    {
        return index;
    }

    /** Header and payload bytes. */
    public int recordLength()
    {
        return recordLength;
    }

    /** Index of the payload in {@link #buffer()}. */
    public int payloadIndex()
    {
        return index + headerBytes;
    }

    public int payloadLength()
    {
        return recordLength - headerBytes;
    }

    /** Copies {@code length} payload bytes from {@code src}. */
    public HandoffRecord payload(final DirectBuffer src, final int srcIndex, final int length)
    {
        if (length > 0)
        {
            buffer.putBytes(index + headerBytes, src, srcIndex, length);
        }
        return this;
    }
}

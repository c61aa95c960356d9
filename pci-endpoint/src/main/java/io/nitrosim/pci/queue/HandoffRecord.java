package io.nitrosim.pci.queue;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * One record of a {@link HandoffRing}, as a flyweight. Layout after Agrona's 8-byte record header, in the
 * platform's byte order like Agrona's own header (the ring never leaves the process):
 * <pre>
 *  0  id          i32  the function's handle for the record (an NVMe command slot; 0 for a frame)
 *  4  generation  i32  the function's reset generation the record belongs to (stale ones are dropped)
 *  8  status      i32  the card's result code (a storage status; 0 for a frame)
 * 12  length      i32  the length the record stands for (a frame's full length; the bytes read for storage),
 *                      which may exceed the payload (timing-only frames carry their first bytes only)
 * 16  payload          the data (frame bytes, read data), record length - 16 bytes
 * </pre>
 */
public final class HandoffRecord
{
    public static final int ID_OFFSET = 0;
    public static final int GENERATION_OFFSET = 4;
    public static final int STATUS_OFFSET = 8;
    public static final int LENGTH_OFFSET = 12;
    public static final int PAYLOAD_OFFSET = 16;
    /** Bytes before the payload. */
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;

    private MutableDirectBuffer buffer;
    private int index;
    private int recordLength;

    /** Wraps the record at {@code index} of {@code buffer}, {@code recordLength} bytes long (header included). */
    public HandoffRecord wrap(final MutableDirectBuffer buffer, final int index, final int recordLength)
    {
        this.buffer = buffer;
        this.index = index;
        this.recordLength = recordLength;
        return this;
    }

    /** Writes the header. */
    public HandoffRecord set(final int id, final int generation, final int status, final int length)
    {
        buffer.putInt(index + ID_OFFSET, id);
        buffer.putInt(index + GENERATION_OFFSET, generation);
        buffer.putInt(index + STATUS_OFFSET, status);
        buffer.putInt(index + LENGTH_OFFSET, length);
        return this;
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

    public int length()
    {
        return buffer.getInt(index + LENGTH_OFFSET);
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
        return index + PAYLOAD_OFFSET;
    }

    public int payloadLength()
    {
        return recordLength - PAYLOAD_OFFSET;
    }

    /** Copies {@code length} payload bytes from {@code src}. */
    public HandoffRecord payload(final DirectBuffer src, final int srcIndex, final int length)
    {
        if (length > 0)
        {
            buffer.putBytes(index + PAYLOAD_OFFSET, src, srcIndex, length);
        }
        return this;
    }
}

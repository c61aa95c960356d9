package io.nitrosim.ebs.device;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.ebs.storage.StorageOp;

/**
 * One storage request in a volume's shaped ring (the payload after the {@link io.nitrosim.shaping.ShapedRing}
 * record header), as a flyweight: what the front end asks the card to do, in storage terms. Platform byte order,
 * like the ring's own header: the ring never leaves the process.
 * <pre>
 *  0  slot         i32  the front end's handle, returned with the completion
 *  4  op           i32  {@link StorageOp} READ, WRITE, FLUSH or TRIM
 *  8  epoch        i32  the front end's epoch when it asked ({@link VolumePort#epoch()})
 * 12  rangeCount   i32  TRIM: number of ranges that follow at DATA
 * 16  offsetBytes  i64  READ/WRITE: byte offset in the volume
 * 24  lengthBytes  i64  READ/WRITE: bytes
 * 32  data              WRITE: the data (data mode); TRIM: ranges of (offsetBytes i64, lengthBytes i64)
 * </pre>
 */
final class StorageRequest
{
    static final int SLOT_OFFSET = 0;
    static final int OP_OFFSET = 4;
    static final int EPOCH_OFFSET = 8;
    static final int RANGE_COUNT_OFFSET = 12;
    static final int OFFSET_BYTES_OFFSET = 16;
    static final int LENGTH_BYTES_OFFSET = 24;
    static final int DATA_OFFSET = 32;
    /** Bytes of one TRIM range. */
    static final int RANGE_LENGTH = 16;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutable;
    private int index;

    /** Reads the request at {@code index}. */
    StorageRequest wrap(final DirectBuffer buffer, final int index)
    {
        this.buffer = buffer;
        this.mutable = null;
        this.index = index;
        return this;
    }

    /** Writes the request at {@code index}. */
    StorageRequest wrap(final MutableDirectBuffer buffer, final int index)
    {
        this.buffer = buffer;
        this.mutable = buffer;
        this.index = index;
        return this;
    }

    StorageRequest set(final int slot, final int op, final int epoch, final int rangeCount, final long offsetBytes,
        final long lengthBytes)
    {
        mutable.putInt(index + SLOT_OFFSET, slot);
        mutable.putInt(index + OP_OFFSET, op);
        mutable.putInt(index + EPOCH_OFFSET, epoch);
        mutable.putInt(index + RANGE_COUNT_OFFSET, rangeCount);
        mutable.putLong(index + OFFSET_BYTES_OFFSET, offsetBytes);
        mutable.putLong(index + LENGTH_BYTES_OFFSET, lengthBytes);
        return this;
    }

    /** Writes TRIM range {@code range}. */
    StorageRequest range(final int range, final long offsetBytes, final long lengthBytes)
    {
        final int at = index + DATA_OFFSET + range * RANGE_LENGTH;
        mutable.putLong(at, offsetBytes);
        mutable.putLong(at + 8, lengthBytes);
        return this;
    }

    int slot()
    {
        return buffer.getInt(index + SLOT_OFFSET);
    }

    int op()
    {
        return buffer.getInt(index + OP_OFFSET);
    }

    int epoch()
    {
        return buffer.getInt(index + EPOCH_OFFSET);
    }

    int rangeCount()
    {
        return buffer.getInt(index + RANGE_COUNT_OFFSET);
    }

    long offsetBytes()
    {
        return buffer.getLong(index + OFFSET_BYTES_OFFSET);
    }

    long lengthBytes()
    {
        return buffer.getLong(index + LENGTH_BYTES_OFFSET);
    }

    /** Where a WRITE's data starts in the buffer. */
    int dataIndex()
    {
        return index + DATA_OFFSET;
    }

    long rangeOffsetBytes(final int range)
    {
        return buffer.getLong(index + DATA_OFFSET + range * RANGE_LENGTH);
    }

    long rangeLengthBytes(final int range)
    {
        return buffer.getLong(index + DATA_OFFSET + range * RANGE_LENGTH + 8);
    }

    /** Payload bytes of a request carrying {@code dataBytes} of write data and {@code ranges} TRIM ranges. */
    static int payloadBytes(final int dataBytes, final int ranges)
    {
        return DATA_OFFSET + dataBytes + ranges * RANGE_LENGTH;
    }
}

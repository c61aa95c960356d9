package io.nitrosim.pci.queue;

/**
 * The header of every record of a {@link HandoffRing}: the fields a card hands over with each payload.
 * <pre>
 *  0  length      i32  the length the record stands for (a frame's full length; the bytes read for storage),
 *                      which may exceed the payload (timing-only frames carry their first bytes only)
 *  COMPLETION only:
 *  4  id          i32  the function's handle for the record (an NVMe command slot)
 *  8  generation  i32  the function's reset generation the record belongs to (stale ones are dropped)
 * 12  status      i32  the card's result code (a storage status)
 * </pre>
 */
public enum HandoffLayout
{
    /** Frames: the length, then the payload (4-byte header). */
    FRAME(4),

    /** Completions: length, id, generation, status, then the payload (16-byte header). */
    COMPLETION(16);

    private final int headerBytes;

    HandoffLayout(final int headerBytes)
    {
        this.headerBytes = headerBytes;
    }

    /** Bytes of a record before its payload. */
    public int headerBytes()
    {
        return headerBytes;
    }
}

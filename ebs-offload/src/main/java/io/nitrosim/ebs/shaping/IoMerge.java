package io.nitrosim.ebs.shaping;

/**
 * How EBS counts a volume's I/O operations: physically contiguous I/Os of one kind merge into one operation up to
 * the volume type's I/O unit (256 KiB SSD, 1 MiB HDD); any other I/O counts {@code ceil(length / unit)}, at least
 * one (EC2 User Guide, "Amazon EBS I/O characteristics and monitoring").
 * <p>
 * The tracker keeps the current merged operation: its kind, where the last I/O admitted into it ended and the
 * bytes it holds. An I/O of the same kind starting exactly at that end, whose bytes still fit in the unit, continues
 * it and counts 0 operations; any other I/O starts a new one. A large I/O ({@code > unit}) counts one operation
 * per unit and leaves its last unit as the current operation, so a contiguous I/O after it merges only if that
 * unit has room.
 * <p>
 * Two steps, so a held I/O is counted the same way on every try: {@link #opsFor} (what it would count, no change)
 * then {@link #admit} once it passes. Kinds are the caller's (StorageOp READ or WRITE); {@link #reset()} ends the
 * current operation (a flush, a trim, a controller reset). Belongs to the agent serving the volume.
 */
public final class IoMerge
{
    private static final int NO_KIND = Integer.MIN_VALUE;

    private final long unitBytes;
    private int kind = NO_KIND;
    private long endBytes;
    private long fillBytes;

    /** @param unitBytes the volume type's I/O unit (the largest merged operation). */
    public IoMerge(final long unitBytes)
    {
        if (unitBytes <= 0)
        {
            throw new IllegalArgumentException("I/O unit " + unitBytes + " B must be > 0");
        }
        this.unitBytes = unitBytes;
    }

    public long unitBytes()
    {
        return unitBytes;
    }

    /** Operations an I/O would count if admitted now: 0 when it continues the current merged operation. */
    public long opsFor(final int kind, final long offsetBytes, final long lengthBytes)
    {
        return continues(kind, offsetBytes, lengthBytes) ? 0 : unitsOf(lengthBytes);
    }

    /** Records an admitted I/O (counted as {@link #opsFor} said). @return the operations it counted. */
    public long admit(final int kind, final long offsetBytes, final long lengthBytes)
    {
        if (continues(kind, offsetBytes, lengthBytes))
        {
            endBytes += lengthBytes;
            fillBytes += lengthBytes;
            return 0;
        }
        final long ops = unitsOf(lengthBytes);
        this.kind = kind;
        endBytes = offsetBytes + lengthBytes;
        fillBytes = lengthBytes - (ops - 1) * unitBytes;
        return ops;
    }

    /** Ends the current merged operation: the next I/O starts a new one. */
    public void reset()
    {
        kind = NO_KIND;
        endBytes = 0;
        fillBytes = 0;
    }

    /** Bytes in the current merged operation (0 after a reset). */
    public long fillBytes()
    {
        return fillBytes;
    }

    private boolean continues(final int kind, final long offsetBytes, final long lengthBytes)
    {
        return kind == this.kind && offsetBytes == endBytes && lengthBytes <= unitBytes - fillBytes;
    }

    private long unitsOf(final long lengthBytes)
    {
        return lengthBytes <= unitBytes ? 1 : (lengthBytes + unitBytes - 1) / unitBytes;
    }
}

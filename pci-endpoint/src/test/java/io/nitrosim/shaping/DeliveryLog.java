package io.nitrosim.shaping;

import java.util.Arrays;

/**
 * Every delivery a {@link RingConsumerAgent} made, in delivery order: time, charged bytes and ring index.
 * Growable primitive arrays (no boxing); meant for runs of up to a few million records.
 * <p>
 * Deliveries come from one consumer thread, so times never decrease, which the window queries rely on.
 */
public final class DeliveryLog
{
    private long[] timesNs = new long[1024];
    private int[] bytes = new int[1024];
    private byte[] rings = new byte[1024];
    private int size;

    public void add(final long timeNs, final int chargedBytes, final int ringIndex)
    {
        if (size == timesNs.length)
        {
            final int newLength = Math.multiplyExact(size, 2);
            timesNs = Arrays.copyOf(timesNs, newLength);
            bytes = Arrays.copyOf(bytes, newLength);
            rings = Arrays.copyOf(rings, newLength);
        }
        timesNs[size] = timeNs;
        bytes[size] = chargedBytes;
        rings[size] = (byte)ringIndex;
        size++;
    }

    public int size()
    {
        return size;
    }

    public long timeNs(final int i)
    {
        return timesNs[i];
    }

    public int bytes(final int i)
    {
        return bytes[i];
    }

    public int ringIndex(final int i)
    {
        return rings[i];
    }

    /** A copy of the delivery times, for comparing two runs. */
    public long[] timesNs()
    {
        return Arrays.copyOf(timesNs, size);
    }

    public long totalBytes()
    {
        long total = 0;
        for (int i = 0; i < size; i++)
        {
            total += bytes[i];
        }
        return total;
    }

    /** Bytes delivered at times in {@code [fromNs, toNs)}. */
    public long bytesBetween(final long fromNs, final long toNs)
    {
        long total = 0;
        for (int i = 0; i < size; i++)
        {
            if (timesNs[i] >= fromNs && timesNs[i] < toNs)
            {
                total += bytes[i];
            }
        }
        return total;
    }

    /**
     * The most bytes delivered in any closed window {@code [t, t + windowNs]}, over every real t.
     * <p>
     * Exhaustive, not sampled: any window can slide right until it starts at its first delivery without losing
     * a delivery, so the maximum is reached by a window starting at some delivery; two pointers visit them all.
     */
    public long maxBytesInWindow(final long windowNs)
    {
        long best = 0;
        long inWindow = 0;
        int end = 0;
        for (int start = 0; start < size; start++)
        {
            final long limitNs = timesNs[start] + windowNs;
            while (end < size && timesNs[end] <= limitNs)
            {
                inWindow += bytes[end];
                end++;
            }
            best = Math.max(best, inWindow);
            inWindow -= bytes[start];
        }
        return best;
    }

    /** The most records delivered in any closed window {@code [t, t + windowNs]}. */
    public long maxRecordsInWindow(final long windowNs)
    {
        int best = 0;
        int end = 0;
        for (int start = 0; start < size; start++)
        {
            final long limitNs = timesNs[start] + windowNs;
            while (end < size && timesNs[end] <= limitNs)
            {
                end++;
            }
            best = Math.max(best, end - start);
        }
        return best;
    }
}

package io.nitrosim.pci.queue;

import java.util.Arrays;

import io.nitrosim.pci.MsixTable;

/**
 * The MSI-X vectors of a device: raised while the device works through a pass, sent once per vector at the end of
 * the pass ({@link #fire}), in ascending order. Vectors from {@code firstOneShot} on are one-shot, as ENA's IO
 * vectors are: after a message a vector stays quiet, however often it is raised, until the driver re-arms it
 * ({@link #rearm}); raises meanwhile are kept and sent at the re-arm's next {@link #fire}. Agent thread only.
 */
public final class InterruptVectors
{
    private final boolean[] pending;
    private final boolean[] armed;
    private final int firstOneShot;
    /**
     * Vectors pending, armed or not: {@link #fire} runs once per device pass, and NVMe has 33 vectors of which a
     * pass raises at most a few, so it skips the scan when none is pending. The vectors fire in the same order.
     */
    private int pendingCount;

    /**
     * @param count        vectors 0..count-1.
     * @param firstOneShot the first one-shot vector ({@code count} for none).
     */
    public InterruptVectors(final int count, final int firstOneShot)
    {
        if (count < 1 || firstOneShot < 0 || firstOneShot > count)
        {
            throw new IllegalArgumentException(count + " vectors, first one-shot " + firstOneShot
                + ": accepted at least 1 vector and a first one-shot vector in 0.." + count);
        }
        this.pending = new boolean[count];
        this.armed = new boolean[count];
        this.firstOneShot = firstOneShot;
        reset();
    }

    /** Nothing pending, every vector armed. */
    public void reset()
    {
        Arrays.fill(pending, false);
        Arrays.fill(armed, true);
        pendingCount = 0;
    }

    /** Marks {@code vector} to be sent at the next {@link #fire}; vectors outside 0..count-1 are ignored. */
    public void raise(final int vector)
    {
        if (vector >= 0 && vector < pending.length && !pending[vector])
        {
            pending[vector] = true;
            pendingCount++;
        }
    }

    /** Re-arms a one-shot {@code vector} (the driver's unmask); vectors outside 0..count-1 are ignored. */
    public void rearm(final int vector)
    {
        if (vector >= 0 && vector < armed.length)
        {
            armed[vector] = true;
        }
    }

    public boolean isPending(final int vector)
    {
        return pending[vector];
    }

    public boolean isArmed(final int vector)
    {
        return armed[vector];
    }

    /** Signals every pending, armed vector once, in ascending order; one-shot vectors disarm. @return messages. */
    public int fire(final MsixTable msix)
    {
        int fired = 0;
        for (int v = 0, seen = 0; seen < pendingCount && v < pending.length; v++)
        {
            if (!pending[v])
            {
                continue;
            }
            seen++;
            if (armed[v])
            {
                pending[v] = false;
                pendingCount--;
                seen--;
                if (v >= firstOneShot)
                {
                    armed[v] = false;
                }
                msix.signal(v);
                fired++;
            }
        }
        return fired;
    }
}

package io.nitrosim.time;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Which of a {@link ConcurrentRuntime}'s workers are parked, so that a worker that did work can wake them: the work
 * may have been a hand-off into a ring one of them reads, and a parked worker would otherwise see it only when its
 * park ends. A worker sets its flag and the count before it parks; a worker that did work fences, reads the count
 * (all it reads when nobody is parked), and clears each set flag it finds with a compare-and-set before it unparks
 * that worker, so each park is ended at most once and the count stays exact. A record that lands between a
 * worker's last pass and its flag waits for the end of that park (parks are kept short for that reason). Allocation
 * free.
 */
final class ParkedWorkers
{
    private static final int AWAKE = 0;
    private static final int PARKED = 1;

    private final Thread[] threads;
    private final AtomicIntegerArray flags;
    private final AtomicInteger parked = new AtomicInteger();
    private final AtomicLong wakeUps = new AtomicLong();

    /** @param threads the workers, by index. */
    ParkedWorkers(final Thread[] threads)
    {
        this.threads = threads.clone();
        this.flags = new AtomicIntegerArray(threads.length);
    }

    /**
     * Parks worker {@code index} (the calling thread) for at most {@code parkNs}, unless woken earlier by
     * {@link #wakeAllBut}. Returns whether the park ended by itself (timed out, or a spurious return).
     */
    boolean park(final int index, final long parkNs)
    {
        flags.set(index, PARKED);
        parked.incrementAndGet(); // a full fence: the flag is visible before this worker stops looking at its rings
        LockSupport.parkNanos(this, parkNs);
        if (flags.compareAndSet(index, PARKED, AWAKE))
        {
            parked.decrementAndGet();
            return true;
        }
        return false; // the waker cleared the flag and the count
    }

    /** Called by worker {@code index} after a pass that did work: unparks every other parked worker. */
    void wakeAllBut(final int index)
    {
        // the records just written must be visible before the count is read (a store then a load: a full fence)
        VarHandle.fullFence();
        if (parked.get() == 0)
        {
            return;
        }
        for (int i = 0; i < threads.length; i++)
        {
            if (i != index && flags.get(i) == PARKED && flags.compareAndSet(i, PARKED, AWAKE))
            {
                parked.decrementAndGet();
                wakeUps.incrementAndGet();
                LockSupport.unpark(threads[i]);
            }
        }
    }

    /** Whether worker {@code index} is parked at this moment. */
    boolean isParked(final int index)
    {
        return flags.get(index) == PARKED;
    }

    /** Workers parked at this moment. */
    int parked()
    {
        return parked.get();
    }

    /** Parks ended by {@link #wakeAllBut}. */
    long wakeUps()
    {
        return wakeUps.get();
    }
}

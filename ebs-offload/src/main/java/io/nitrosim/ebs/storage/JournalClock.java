package io.nitrosim.ebs.storage;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The journal's logical clock. Chronicle Queue rolls to a new file when its time provider enters a new cycle;
 * this clock stands still between checkpoints and moves one cycle per checkpoint, so every journal file holds
 * exactly the records between two checkpoints and a file older than the last checkpoint can be deleted. It also
 * keeps wall-clock time out of the engine.
 */
final class JournalClock implements TimeProvider
{
    private final long cycleLengthMs;
    private volatile int cycle;

    JournalClock(final long cycleLengthMs, final int cycle)
    {
        this.cycleLengthMs = cycleLengthMs;
        this.cycle = cycle;
    }

    int cycle()
    {
        return cycle;
    }

    void cycle(final int cycle)
    {
        this.cycle = cycle;
    }

    @Override
    public long currentTimeMillis()
    {
        return cycle * cycleLengthMs;
    }
}

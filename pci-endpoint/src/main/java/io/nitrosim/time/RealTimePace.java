package io.nitrosim.time;

/**
 * A real-time runtime's account of how it kept pace with the wall clock: {@link PacedRuntime} (one thread) and
 * {@link ConcurrentRuntime} (one lag per worker thread; the run's is the worst thread's). Read from the thread that
 * calls {@code runUntil}, between runs.
 */
public interface RealTimePace
{
    /** Lag at the latest measurement (0 when ahead or on time, and before the run starts). */
    long lagNs();

    /** What the run so far achieved against the wall clock. */
    PaceReport pace();
}

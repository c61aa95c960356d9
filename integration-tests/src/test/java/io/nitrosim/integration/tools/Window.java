package io.nitrosim.integration.tools;

import java.util.function.LongSupplier;

import org.junit.jupiter.api.Assumptions;

/**
 * Bytes an outside program saw move during a stretch of wall time, with the simulated time that passed meanwhile
 * and the bytes the device model counted meanwhile.
 * <p>
 * A rate seen by the program is only the model's rate when nothing but the model shaped it: on a loaded machine
 * the simulation may fall behind the wall clock for a while (and catch up later), or the program's own threads
 * may wait for a core while replies pile up. A window counts when the simulation kept pace (simulated time
 * within 0.5 % of wall time) and the program saw what the device did (within 1 %); other windows are measured
 * again, and if none counts the check is skipped, saying why. The assertion is then on the program's own figure.
 */
record Window(long bytes, long wallNs, long simNs, double deviceBytes)
{
    static final double PACE_TOLERANCE = 0.005;
    static final double VIEW_TOLERANCE = 0.01;

    boolean keptPace()
    {
        return Math.abs(simNs - wallNs) <= wallNs * PACE_TOLERANCE;
    }

    boolean sawTheDevice()
    {
        return Math.abs(bytes - deviceBytes) <= Math.max(bytes, deviceBytes) * VIEW_TOLERANCE;
    }

    double perSecond()
    {
        return bytes * 1e9 / wallNs;
    }

    @Override
    public String toString()
    {
        return String.format("%d B in %.3f s wall (%.1f B/s), %.3f s simulated, device %.0f B", bytes, wallNs / 1e9,
            perSecond(), simNs / 1e9, deviceBytes);
    }

    /** A measurement of one window: runs the load for a stretch of wall time and counts what completed. */
    @FunctionalInterface
    interface Measure
    {
        long bytesDuring(long wallNs) throws Exception;
    }

    /**
     * Measures windows of {@code ms} until one counts (at most {@code tries}); aborts the test (skipped, with the
     * reason) when none did.
     *
     * @param deviceBytes what the device model counted so far, in the program's bytes (headers taken off).
     */
    static Window measure(final LongSupplier simulatedNs, final java.util.function.DoubleSupplier deviceBytes,
        final long ms, final int tries, final String what, final Measure measure) throws Exception
    {
        final StringBuilder seen = new StringBuilder();
        for (int i = 0; i < tries; i++)
        {
            final long sim0 = simulatedNs.getAsLong();
            final double device0 = deviceBytes.getAsDouble();
            final long wall0 = System.nanoTime();
            final long bytes = measure.bytesDuring(ms * 1_000_000L);
            final Window w = new Window(bytes, System.nanoTime() - wall0, simulatedNs.getAsLong() - sim0,
                deviceBytes.getAsDouble() - device0);
            final boolean counts = w.keptPace() && w.sawTheDevice();
            System.out.println(what + ": " + w + (counts ? "" : w.keptPace()
                ? "  (the program's view lagged the device's: measured again)"
                : "  (the simulation fell behind: measured again)"));
            if (counts)
            {
                return w;
            }
            seen.append(seen.length() == 0 ? "" : "; ").append(w);
        }
        Assumptions.abort(what + ": in none of " + tries + " windows did the simulation keep pace with the wall clock "
            + "and the program see what the device did (" + seen + "); the rate check needs a machine that is not "
            + "overloaded");
        return null;
    }
}

package io.nitrosim.integration.tools;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.simulator.engine.Simulation;

/**
 * Wall and simulated time sampled every 50 ms while a tool runs, so that any stretch of its own log can be checked
 * for the simulation keeping pace (seconds counted from when the tool started).
 */
final class PaceLog
{
    private final Simulation simulation;
    private final List<long[]> samples = new ArrayList<>();
    private final Thread thread;
    private final long startWallNs;
    private volatile boolean running = true;

    private PaceLog(final Simulation simulation)
    {
        this.simulation = simulation;
        this.startWallNs = System.nanoTime();
        this.thread = new Thread(this::sample, "pace-log");
        thread.setDaemon(true);
        thread.start();
    }

    static PaceLog start(final Simulation simulation)
    {
        return new PaceLog(simulation);
    }

    private void sample()
    {
        while (running)
        {
            synchronized (samples)
            {
                samples.add(new long[] {System.nanoTime() - startWallNs, simulation.simulatedNs()});
            }
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    void stop() throws InterruptedException
    {
        running = false;
        thread.join(1_000);
    }

    /** Wall and simulated time between the samples nearest to {@code fromS} and {@code toS}. */
    Tools.Pace between(final double fromS, final double toS)
    {
        synchronized (samples)
        {
            final long[] a = nearest((long)(fromS * 1e9));
            final long[] b = nearest((long)(toS * 1e9));
            return new Tools.Pace(b[0] - a[0], b[1] - a[1]);
        }
    }

    private long[] nearest(final long wallNs)
    {
        long[] best = samples.get(0);
        for (final long[] s : samples)
        {
            if (Math.abs(s[0] - wallNs) < Math.abs(best[0] - wallNs))
            {
                best = s;
            }
        }
        return best;
    }
}

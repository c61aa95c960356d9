package io.nitrosim.time;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Wall-clock runtime: each agent gets its own {@link AgentRunner} thread (the cards are dedicated hardware),
 * and the clock is {@link System#nanoTime()} measured from the runtime's creation so both runtimes start at 0.
 */
public final class RealTimeRuntime implements SimRuntime
{
    private final long originNs = System.nanoTime();
    private final NanoClock clock = () -> System.nanoTime() - originNs;
    private final List<Entry> entries = new ArrayList<>();
    private final ErrorHandler errorHandler;
    private volatile Throwable firstError;

    public RealTimeRuntime()
    {
        this.errorHandler = this::onError;
    }

    @Override
    public NanoClock clock()
    {
        return clock;
    }

    @Override
    public synchronized void add(final SimAgent agent)
    {
        final AgentRunner runner = new AgentRunner(
            new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)),
            errorHandler, (AtomicCounter)null, agent);
        entries.add(new Entry(agent, runner));
        AgentRunner.startOnThread(runner);
    }

    @Override
    public synchronized void remove(final SimAgent agent)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            if (entries.get(i).agent == agent)
            {
                entries.remove(i).runner.close();
                return;
            }
        }
    }

    @Override
    public long runUntil(final long endNs)
    {
        long nowNs;
        while ((nowNs = clock.nanoTime()) < endNs && firstError == null)
        {
            LockSupport.parkNanos(Math.min(endNs - nowNs, TimeUnit.MILLISECONDS.toNanos(10)));
        }
        final Throwable error = firstError;
        if (error != null)
        {
            throw new IllegalStateException("an agent failed: " + error, error);
        }
        return nowNs;
    }

    @Override
    public boolean isVirtual()
    {
        return false;
    }

    @Override
    public synchronized void close()
    {
        for (final Entry entry : entries)
        {
            entry.runner.close();
        }
        entries.clear();
    }

    private void onError(final Throwable throwable)
    {
        if (firstError == null)
        {
            firstError = throwable;
        }
    }

    private record Entry(SimAgent agent, AgentRunner runner)
    {
    }
}

package io.nitrosim.simulator.region;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import io.nitrosim.time.SimAgent;

/**
 * The region's agent in the runtime: runs submitted commands and due timers on the runtime's thread, and answers
 * requests that reach withdrawn NBD exports ({@link RegionExports#drain()}). It polls its queues on every pass;
 * between passes the paced runtime follows the wall clock by itself.
 */
final class ControlAgent implements SimAgent
{
    private static final int COMMANDS_PER_PASS = 64;

    record Pending<T>(RegionCommand<T> command, CompletableFuture<T> future)
    {
    }

    private record Timer(long dueNs, long sequence, RegionCommand<?> command) implements Comparable<Timer>
    {
        @Override
        public int compareTo(final Timer other)
        {
            final int byTime = Long.compare(dueNs, other.dueNs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final ManyToOneConcurrentArrayQueue<Pending<?>> queue;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final NanoClock clock;
    private RegionControl control;
    private RegionExports exports;
    private long timerSequence;
    private long commandsRun;

    ControlAgent(final int capacity, final NanoClock clock)
    {
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.clock = clock;
    }

    void control(final RegionControl control)
    {
        this.control = control;
    }

    /** The region's NBD exports, whose withdrawn queues this agent answers every pass (null: no NBD server). */
    void exports(final RegionExports exports)
    {
        this.exports = exports;
    }

    boolean offer(final Pending<?> pending)
    {
        return queue.offer(pending);
    }

    long commandsRun()
    {
        return commandsRun;
    }

    /** On the runtime thread: runs {@code command} at {@code dueNs} of simulated time. */
    void schedule(final long dueNs, final RegionCommand<?> command)
    {
        timers.add(new Timer(dueNs, timerSequence++, command));
    }

    @Override
    public int doWork()
    {
        int work = 0;
        Pending<?> pending;
        while (work < COMMANDS_PER_PASS && (pending = queue.poll()) != null)
        {
            run(pending);
            work++;
        }
        final long nowNs = clock.nanoTime();
        while (!timers.isEmpty() && timers.peek().dueNs() <= nowNs)
        {
            final Timer timer = timers.poll();
            try
            {
                timer.command().run(control);
            }
            catch (final RuntimeException ex)
            {
                control.timerFailed(ex);
            }
            work++;
        }
        if (exports != null)
        {
            work += exports.drain();
        }
        return work;
    }

    private <T> void run(final Pending<T> pending)
    {
        commandsRun++;
        try
        {
            pending.future().complete(pending.command().run(control));
        }
        catch (final RuntimeException | Error ex)
        {
            pending.future().completeExceptionally(ex);
        }
    }

    /** Fails every queued command (the region stopped). */
    void failAll(final Throwable cause)
    {
        Pending<?> pending;
        while ((pending = queue.poll()) != null)
        {
            pending.future().completeExceptionally(cause);
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        return timers.isEmpty() ? NO_DEADLINE : timers.peek().dueNs();
    }

    @Override
    public String roleName()
    {
        return "region-control";
    }
}

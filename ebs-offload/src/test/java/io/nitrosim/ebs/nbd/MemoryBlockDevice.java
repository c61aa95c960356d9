package io.nitrosim.ebs.nbd;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test device behind an export: a thread that takes requests from the queue and runs them against a byte
 * array, recording what it saw. {@link #hold(boolean)} keeps requests without completing them (a slow device).
 * {@link #manual} makes one without a thread, run by the caller with {@link #runPending()} (in order, no record).
 */
final class MemoryBlockDevice implements AutoCloseable
{
    final byte[] bytes;
    final BlockQueue queue;
    final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<BlockRequest> held = new ArrayList<>();
    private final AtomicBoolean holding = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    MemoryBlockDevice(final int sizeBytes, final int queueCapacity)
    {
        this(sizeBytes, queueCapacity, true);
    }

    private MemoryBlockDevice(final int sizeBytes, final int queueCapacity, final boolean threaded)
    {
        bytes = new byte[sizeBytes];
        queue = new BlockQueue(queueCapacity);
        thread = threaded ? new Thread(this::run, "memory-block-device") : null;
        if (thread != null)
        {
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** A device without a thread: requests wait in the queue until {@link #runPending()}. */
    static MemoryBlockDevice manual(final int sizeBytes, final int queueCapacity)
    {
        return new MemoryBlockDevice(sizeBytes, queueCapacity, false);
    }

    /** Runs every queued request, in order, on the caller's thread; returns how many ran. */
    int runPending()
    {
        int n = 0;
        BlockRequest r;
        while ((r = queue.poll()) != null)
        {
            execute(r);
            n++;
        }
        return n;
    }

    void hold(final boolean hold)
    {
        holding.set(hold);
    }

    int received()
    {
        return seen.size();
    }

    private void run()
    {
        while (running)
        {
            if (!holding.get())
            {
                synchronized (held)
                {
                    for (final BlockRequest r : held)
                    {
                        execute(r);
                    }
                    held.clear();
                }
            }
            final BlockRequest r = queue.poll();
            if (r == null)
            {
                Thread.onSpinWait();
                continue;
            }
            seen.add(describe(r));
            if (holding.get())
            {
                synchronized (held)
                {
                    held.add(r);
                }
            }
            else
            {
                execute(r);
            }
        }
    }

    private static String describe(final BlockRequest r)
    {
        final String[] ops = {"READ", "WRITE", "FLUSH", "TRIM", "WRITE_ZEROES"};
        return ops[r.op()] + " " + r.offsetBytes() + "+" + r.lengthBytes() + (r.fua() ? " fua" : "")
            + (r.noHole() ? " nohole" : "");
    }

    private void execute(final BlockRequest r)
    {
        final int offset = (int)r.offsetBytes();
        final int length = (int)r.lengthBytes();
        switch (r.op())
        {
            case BlockRequest.OP_READ:
                r.data().putBytes(0, bytes, offset, length);
                break;
            case BlockRequest.OP_WRITE:
                r.data().getBytes(0, bytes, offset, length);
                break;
            case BlockRequest.OP_TRIM:
            case BlockRequest.OP_WRITE_ZEROES:
                java.util.Arrays.fill(bytes, offset, offset + length, (byte)0);
                break;
            default:
                break;
        }
        r.complete(0);
    }

    @Override
    public void close()
    {
        running = false;
        if (thread == null)
        {
            return;
        }
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}

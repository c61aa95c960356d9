package io.nitrosim.nic.bridge;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the guest wakes a socket side: runs the socket side's task on its event loop, at most one queued at a
 * time however often the guest asks (so the event loop's task queue holds at most one entry per connection).
 * Until the socket side binds its task, wakes are dropped: it looks at everything once when it binds.
 */
final class Wakeup
{
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile Executor executor;
    private volatile Runnable task;

    /** Socket side: bind the task and the event loop it runs on. */
    void bind(final Executor executor, final Runnable task)
    {
        this.task = task;
        this.executor = executor;
    }

    /** Guest: run the task soon. */
    void wake()
    {
        final Executor e = executor;
        if (e != null && pending.compareAndSet(false, true))
        {
            e.execute(task);
        }
    }

    /** Socket side, first thing in the task: later wakes queue it again. */
    void woken()
    {
        pending.set(false);
    }
}

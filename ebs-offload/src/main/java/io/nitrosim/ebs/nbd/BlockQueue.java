package io.nitrosim.ebs.nbd;

import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The bounded lock-free hand-off of requests from the protocol threads (many producers: every connection's
 * event loop) to the one device-side consumer. Its capacity is the most requests the server lets be in flight
 * for one export, so an offer only fails if a producer breaks that bound.
 * <p>
 * It also carries the export's lifecycle, for exports that can be withdrawn while clients use them (a volume
 * detached from a running region): the owner {@link #close()}s it; a connection {@link #join()}s before its first
 * request and {@link #leave()}s when it closes, and checks {@link #isClosed()} before each offer. Closing and
 * joining are both sequentially consistent, so once the owner sees the queue {@link #isAbandoned()} no offer can
 * follow, and one last {@link #poll()} finds every request ever offered.
 */
public final class BlockQueue
{
    private final ManyToOneConcurrentArrayQueue<BlockRequest> queue;
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean closed;

    public BlockQueue(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("block queue capacity " + capacity + ": accepted >= 1");
        }
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
    }

    /** Protocol side. @return false when full. */
    boolean offer(final BlockRequest request)
    {
        return queue.offer(request);
    }

    /** Protocol side: a connection will send requests here (before its first check of {@link #isClosed()}). */
    void join()
    {
        users.incrementAndGet();
    }

    /** Protocol side: a connection that joined will never offer again. */
    void leave()
    {
        users.decrementAndGet();
    }

    /** Device side: the next request, or null. */
    public BlockRequest poll()
    {
        return queue.poll();
    }

    /** Device side: whether a request is waiting. */
    public boolean isEmpty()
    {
        return queue.isEmpty();
    }

    public int capacity()
    {
        return queue.capacity();
    }

    /** Owner side: the export is withdrawn; connections answer their requests NBD_ESHUTDOWN from now on. */
    public void close()
    {
        closed = true;
    }

    public boolean isClosed()
    {
        return closed;
    }

    /** Closed, and no connection is left that could still offer: after one more poll the queue is done with. */
    public boolean isAbandoned()
    {
        return closed && users.get() == 0;
    }
}

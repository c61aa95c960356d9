package io.nitrosim.ebs.nbd;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * The bounded lock-free hand-off of requests from the protocol threads (many producers: every connection's
 * event loop) to the one device-side consumer. Its capacity is the most requests the server lets be in flight
 * for one export, so an offer only fails if a producer breaks that bound.
 */
public final class BlockQueue
{
    private final ManyToOneConcurrentArrayQueue<BlockRequest> queue;

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
}

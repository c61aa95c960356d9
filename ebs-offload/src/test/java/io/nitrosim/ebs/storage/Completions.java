package io.nitrosim.ebs.storage;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

/** Test helper: records completions, and polls a backend until a number of them arrived (bounded). */
final class Completions implements StorageCompletionHandler
{
    record Completion(long requestId, int op, int status, long value, byte[] data)
    {
    }

    final List<Completion> received = new ArrayList<>();

    @Override
    public void onCompletion(
        final long requestId,
        final int op,
        final int status,
        final long value,
        final DirectBuffer buffer,
        final int dataIndex,
        final int dataLength)
    {
        final byte[] data = new byte[dataLength];
        buffer.getBytes(dataIndex, data);
        received.add(new Completion(requestId, op, status, value, data));
    }

    /** Polls until {@code count} completions in total arrived or {@code timeoutMs} of real time passed. */
    void awaitCount(final StorageBackend backend, final int count, final long timeoutMs)
    {
        // A real server on a real socket: bounded real-time wait (tests only).
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (received.size() < count && System.nanoTime() < deadline)
        {
            if (backend.poll(this, 64) == 0)
            {
                Thread.yield();
            }
        }
        if (received.size() < count)
        {
            throw new AssertionError("got " + received.size() + " completions of " + count + " in " + timeoutMs + " ms");
        }
    }

    Completion byId(final long requestId)
    {
        for (final Completion c : received)
        {
            if (c.requestId() == requestId)
            {
                return c;
            }
        }
        throw new AssertionError("no completion for request " + requestId);
    }
}

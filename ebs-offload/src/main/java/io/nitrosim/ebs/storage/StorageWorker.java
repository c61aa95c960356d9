package io.nitrosim.ebs.storage;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;

import io.netty.buffer.ByteBuf;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The storage server's I/O thread: the only thread that touches the {@link StorageEngine} while the server runs,
 * so the network thread never waits for a disk and the engine needs no locks.
 * <p>
 * <b>Fairness.</b> Connections with requests waiting are served round-robin, one unit of work each: a request, or
 * one {@code trimChunkBytes} piece of a large TRIM (each piece journaled and applied on its own; the answer comes
 * after the last). So a 1 GiB TRIM on one connection delays a request on another by one piece, not by the whole
 * range. Within a connection, requests run and are answered in order.
 * <p>
 * Validates each request (lengths agree with the op, the volume id is well-formed) and answers a bad one with
 * BAD_REQUEST and a log line; the connection stays open.
 */
final class StorageWorker implements Runnable, AutoCloseable
{
    private final StorageEngine engine;
    private final long trimChunkBytes;
    private final StorageServerLog log;
    private final ConcurrentLinkedQueue<StorageSession> ready = new ConcurrentLinkedQueue<>();
    private final UnsafeBuffer statusView = new UnsafeBuffer(new byte[0]);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long requestsAnswered; // written by the worker only

    /** @param startThread false to drive it with {@link #runOnce()} from a test (no thread). */
    StorageWorker(final StorageEngine engine, final long trimChunkBytes, final StorageServerLog log,
        final boolean startThread)
    {
        this.engine = engine;
        this.trimChunkBytes = trimChunkBytes;
        this.log = log;
        if (startThread)
        {
            thread = new Thread(this, "storage-io");
            thread.setDaemon(true);
            thread.start();
        }
        else
        {
            thread = null;
        }
    }

    /** Any thread: the session has requests (or was closed); queue it for service unless it already is. */
    void schedule(final StorageSession session)
    {
        if (session.scheduled.compareAndSet(false, true))
        {
            ready.offer(session);
            if (thread != null)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            if (!runOnce())
            {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100)); // unpark() wakes it at once
            }
        }
    }

    /** Serves one unit of the next session in turn. @return false when no session had work. */
    boolean runOnce()
    {
        final StorageSession session = ready.poll();
        if (session == null)
        {
            return false;
        }
        if (step(session))
        {
            ready.offer(session); // more to do: back of the line
        }
        else
        {
            session.scheduled.set(false);
            if (!session.requests.isEmpty())
            {
                schedule(session); // a request arrived between the check and the reset
            }
        }
        return true;
    }

    /** Runs units until no session has work. @return units run. */
    int runUntilIdle()
    {
        int units = 0;
        while (runOnce())
        {
            units++;
        }
        return units;
    }

    /** @return whether the session has more work. */
    private boolean step(final StorageSession session)
    {
        ByteBuf frame = session.requests.peek();
        if (session.closed)
        {
            for (; frame != null; frame = session.requests.peek())
            {
                session.requests.poll().release();
            }
            session.trimDoneBytes = 0;
            return false;
        }
        if (frame == null)
        {
            return false;
        }
        final ByteBuf response = execute(session, frame);
        if (response == null)
        {
            return true; // a TRIM piece done, more to come
        }
        session.requests.poll();
        frame.release();
        session.trimDoneBytes = 0;
        session.deliver(response);
        requestsAnswered++;
        return !session.requests.isEmpty();
    }

    /** Runs the request (or one piece of it); returns its answer, or null when a TRIM has pieces left. */
    private ByteBuf execute(final StorageSession session, final ByteBuf frame)
    {
        final int base = frame.readerIndex();
        final int op = frame.getUnsignedByte(base + StorageProtocol.OP_OFFSET);
        final long requestId = frame.getLongLE(base + StorageProtocol.REQUEST_ID_OFFSET);
        final int volHigh = frame.getIntLE(base + StorageProtocol.VOL_HIGH_OFFSET);
        final long volLow = frame.getLongLE(base + StorageProtocol.VOL_LOW_OFFSET);
        final long offset = frame.getLongLE(base + StorageProtocol.OFFSET_OFFSET);
        final int length = frame.getIntLE(base + StorageProtocol.LENGTH_OFFSET);
        final long value = frame.getLongLE(base + StorageProtocol.VALUE_OFFSET);
        final int payloadLength = frame.readableBytes() - StorageProtocol.HEADER_LENGTH;
        if (payloadLength != 0 && op != StorageOp.WRITE)
        {
            return bad(session, op, requestId, payloadLength + " B of payload: accepted none for this op");
        }
        switch (op)
        {
            case StorageOp.CREATE:
                return create(session, requestId, volHigh, volLow, offset);
            case StorageOp.WRITE:
            {
                if (payloadLength != length)
                {
                    return bad(session, op, requestId,
                        "length " + length + " B but " + payloadLength + " B of payload");
                }
                final int status = engine.write(volHigh, volLow, offset,
                    frame.nioBuffer(base + StorageProtocol.HEADER_LENGTH, payloadLength));
                return answer(session, op, requestId, status, sequenceIfOk(status));
            }
            case StorageOp.READ:
                return read(session, requestId, volHigh, volLow, offset, length);
            case StorageOp.FLUSH:
                return answer(session, op, requestId, engine.flush(volHigh, volLow), 0);
            case StorageOp.TRIM:
                return trim(session, requestId, volHigh, volLow, offset, value);
            case StorageOp.STATUS:
            {
                final ByteBuf out = StorageSession.response(session.alloc(), op, requestId, StorageStatus.OK, 0,
                    StorageProtocol.STATUS_LENGTH);
                final int dataIndex = out.writerIndex();
                out.writerIndex(dataIndex + StorageProtocol.STATUS_LENGTH);
                statusView.wrap(out.nioBuffer(dataIndex, StorageProtocol.STATUS_LENGTH));
                StorageProtocol.encodeStatus(engine, statusView, 0);
                return out;
            }
            case StorageOp.PING:
                return answer(session, op, requestId, StorageStatus.OK, 0);
            case StorageOp.AUTH:
                return bad(session, op, requestId, "AUTH again on an authenticated connection");
            default:
                return bad(session, op, requestId, "unknown op " + op);
        }
    }

    private ByteBuf create(final StorageSession session, final long requestId, final int volHigh, final long volLow,
        final long sizeBytes)
    {
        if (volHigh < 0 || volHigh > 15)
        {
            return bad(session, StorageOp.CREATE, requestId, "volume id high digit " + volHigh + ": accepted 0..15");
        }
        final int status = engine.createVolume(VolumeId.of(volHigh, volLow), sizeBytes);
        if (status == StorageStatus.LIMIT_EXCEEDED)
        {
            log.log(StorageServerLog.Reason.LIMIT_EXCEEDED, session.remote(), StorageOp.CREATE,
                "maximum " + engine.maxVolumes() + " volumes reached");
        }
        else if (status == StorageStatus.OUT_OF_RANGE && sizeBytes > engine.maxVolumeSizeBytes())
        {
            log.log(StorageServerLog.Reason.LIMIT_EXCEEDED, session.remote(), StorageOp.CREATE,
                "volume size " + sizeBytes + " B above the maximum " + engine.maxVolumeSizeBytes() + " B");
        }
        return answer(session, StorageOp.CREATE, requestId, status, sequenceIfOk(status));
    }

    private ByteBuf read(final StorageSession session, final long requestId, final int volHigh, final long volLow,
        final long offset, final int length)
    {
        if (length < 0 || length > engine.maxIoBytes())
        {
            return answer(session, StorageOp.READ, requestId, StorageStatus.TOO_LARGE, 0);
        }
        final ByteBuf out = StorageSession.response(session.alloc(), StorageOp.READ, requestId, StorageStatus.OK, 0,
            length);
        final int dataIndex = out.writerIndex();
        final int status = engine.read(volHigh, volLow, offset, out.nioBuffer(dataIndex, length));
        if (status == StorageStatus.OK)
        {
            out.writerIndex(dataIndex + length);
            return out;
        }
        out.release();
        return answer(session, StorageOp.READ, requestId, status, 0);
    }

    /** One piece of a TRIM: checks the whole range before the first piece, answers after the last. */
    private ByteBuf trim(final StorageSession session, final long requestId, final int volHigh, final long volLow,
        final long offset, final long lengthBytes)
    {
        if (session.trimDoneBytes == 0)
        {
            final int status = engine.checkTrim(volHigh, volLow, offset, lengthBytes);
            if (status != StorageStatus.OK || lengthBytes == 0)
            {
                return answer(session, StorageOp.TRIM, requestId, status, sequenceIfOk(status));
            }
        }
        final long piece = Math.min(trimChunkBytes, lengthBytes - session.trimDoneBytes);
        final int status = engine.trim(volHigh, volLow, offset + session.trimDoneBytes, piece);
        session.trimDoneBytes += piece;
        if (status != StorageStatus.OK || session.trimDoneBytes == lengthBytes)
        {
            return answer(session, StorageOp.TRIM, requestId, status, sequenceIfOk(status));
        }
        return null;
    }

    private ByteBuf bad(final StorageSession session, final int op, final long requestId, final String detail)
    {
        log.log(StorageServerLog.Reason.BAD_REQUEST, session.remote(), op, detail);
        return answer(session, op, requestId, StorageStatus.BAD_REQUEST, 0);
    }

    private static ByteBuf answer(
        final StorageSession session, final int op, final long requestId, final int status, final long value)
    {
        return StorageSession.response(session.alloc(), op, requestId, status, value, 0);
    }

    private long sequenceIfOk(final int status)
    {
        return status == StorageStatus.OK ? engine.lastSequence() : 0;
    }

    /** Requests answered so far (any status). */
    long requestsAnswered()
    {
        return requestsAnswered;
    }

    /** Stops the thread (after its current unit) and waits for it; the engine is free afterwards. */
    @Override
    public void close()
    {
        running = false;
        if (thread != null)
        {
            LockSupport.unpark(thread);
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}

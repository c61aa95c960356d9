package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.collections.IntArrayQueue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client connection of a {@link StorageServer}, on the server's event-loop thread: checks framing and the
 * access token, hands requests to the {@link StorageWorker} in order, writes the answers back, and applies the
 * connection's limits.
 * <p>
 * <b>Flow control.</b> A decoded request waits in {@code held} until it may go to the worker: fewer than
 * {@code maxInFlightPerConnection} requests of this connection in the worker, their bytes (frame + possible
 * response) under {@code maxQueuedBytesPerConnection}, room in the server's global budget, and the socket writable
 * (the client reads its answers: Netty's write-buffer high-water mark is the same per-connection byte limit).
 * Whenever any of these fails the session stops reading ({@code autoRead} off), so a client that sends without
 * reading its replies is held by TCP flow control rather than by server memory; reading resumes when answers
 * drain. At most one socket read of requests beyond the limits waits in {@code held}.
 * <p>
 * <b>Timeouts</b> (checked every quarter of the shorter timeout): no valid AUTH within the request timeout of
 * connecting; a frame begun but not finished within the request timeout while the server was reading; after AUTH,
 * nothing received for the idle timeout while no request of the connection is being worked on. Each closes the
 * connection with one log line.
 */
final class StorageSession extends ChannelInboundHandlerAdapter
{
    private final ServerCore core;
    private final StorageServer.Context config;
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private final IntArrayQueue costs = new IntArrayQueue();
    private final ConcurrentLinkedQueue<ByteBuf> responses = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainResponses;
    private final byte[] tokenScratch = new byte[AccessToken.LENGTH];
    private ChannelHandlerContext ctx;
    private Channel channel;
    private RequestFrameDecoder decoder;
    private String remote = "-";
    private ScheduledFuture<?> timer;
    private boolean active;
    private boolean authenticated;
    private long connectedAtNs;
    private long lastReadNs;
    private int dispatched;
    private long dispatchedBytes;
    boolean starved; // owned by ServerCore

    // Shared with the worker thread.
    final ConcurrentLinkedQueue<ByteBuf> requests = new ConcurrentLinkedQueue<>();
    final AtomicBoolean scheduled = new AtomicBoolean();
    volatile boolean closed;
    long trimDoneBytes; // worker thread only: progress of the TRIM at the head of requests

    StorageSession(final ServerCore core)
    {
        this.core = core;
        this.config = core.config;
    }

    String remote()
    {
        return remote;
    }

    ByteBufAllocator alloc()
    {
        return channel.alloc();
    }

    @Override
    public void channelActive(final ChannelHandlerContext context)
    {
        ctx = context;
        channel = context.channel();
        decoder = context.pipeline().get(RequestFrameDecoder.class);
        remote = String.valueOf(channel.remoteAddress());
        if (remote.startsWith("/"))
        {
            remote = remote.substring(1);
        }
        active = true;
        connectedAtNs = core.clock.nanoTime();
        lastReadNs = connectedAtNs;
        if (!core.connectionOpened())
        {
            core.log.log(StorageServerLog.Reason.TOO_MANY_CONNECTIONS, remote, -1,
                "limit " + config.maxConnections() + " connections");
            channel.close();
            return;
        }
        final long periodMs = Math.max(10, Math.min(config.requestTimeoutMs(), config.idleTimeoutMs()) / 4);
        timer = context.executor().scheduleAtFixedRate(this::checkTimeouts, periodMs, periodMs, TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext context, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        lastReadNs = core.clock.nanoTime();
        if (closed)
        {
            frame.release();
            return;
        }
        final int length = frame.readableBytes();
        final int base = frame.readerIndex();
        if (length < StorageProtocol.HEADER_LENGTH)
        {
            frame.release();
            refuse(StorageServerLog.Reason.MALFORMED_FRAME, -1, 0, StorageStatus.BAD_REQUEST,
                "frame of " + length + " B is shorter than the " + StorageProtocol.HEADER_LENGTH + " B header");
            return;
        }
        final int op = frame.getUnsignedByte(base + StorageProtocol.OP_OFFSET);
        final long requestId = frame.getLongLE(base + StorageProtocol.REQUEST_ID_OFFSET);
        final int magic = frame.getIntLE(base + StorageProtocol.MAGIC_OFFSET);
        final int version = frame.getUnsignedByte(base + StorageProtocol.VERSION_OFFSET);
        if (magic != StorageProtocol.MAGIC || version != StorageProtocol.VERSION)
        {
            frame.release();
            refuse(StorageServerLog.Reason.MALFORMED_FRAME, op, requestId, StorageStatus.BAD_VERSION,
                String.format("magic 0x%08x version %d: accepted 0x%08x version %d", magic, version,
                    StorageProtocol.MAGIC, StorageProtocol.VERSION));
            return;
        }
        if (!authenticated)
        {
            authenticate(frame, op, requestId, length - StorageProtocol.HEADER_LENGTH);
            return;
        }
        held.addLast(frame);
        pump();
    }

    private void authenticate(final ByteBuf frame, final int op, final long requestId, final int payloadLength)
    {
        try
        {
            if (op != StorageOp.AUTH)
            {
                refuse(StorageServerLog.Reason.UNAUTHORIZED, op, requestId, StorageStatus.UNAUTHORIZED,
                    "request before AUTH");
                return;
            }
            final boolean sized = payloadLength == AccessToken.LENGTH;
            if (sized)
            {
                frame.getBytes(frame.readerIndex() + StorageProtocol.HEADER_LENGTH, tokenScratch);
            }
            if (!sized || !core.token.matches(tokenScratch, 0, payloadLength))
            {
                refuse(StorageServerLog.Reason.UNAUTHORIZED, op, requestId, StorageStatus.UNAUTHORIZED,
                    sized ? "wrong access token" : "token of " + payloadLength + " B: accepted " + AccessToken.LENGTH);
                return;
            }
            authenticated = true;
            final ByteBuf hello = response(channel.alloc(), StorageOp.AUTH, requestId, StorageStatus.OK, 0,
                StorageProtocol.HELLO_LENGTH);
            hello.writeIntLE(core.maxIoBytes);
            hello.writeIntLE(config.maxInFlightPerConnection());
            hello.writeLongLE(config.idleTimeoutMs());
            ctx.writeAndFlush(hello, ctx.voidPromise());
        }
        finally
        {
            frame.release();
        }
    }

    /** Answers (if the frame could be read) with {@code status}, logs, and closes the connection. */
    private void refuse(
        final StorageServerLog.Reason reason, final int op, final long requestId, final int status, final String detail)
    {
        core.log.log(reason, remote, op, detail);
        closed = true;
        ctx.writeAndFlush(response(channel.alloc(), Math.max(op, 0), requestId, status, 0, 0))
            .addListener(ChannelFutureListener.CLOSE);
    }

    /** Moves held requests to the worker while the limits allow, and reads only while they do. */
    void pump()
    {
        while (active && !closed && !held.isEmpty())
        {
            final ByteBuf frame = held.peekFirst();
            final int cost = cost(frame);
            if (!channel.isWritable() || dispatched >= config.maxInFlightPerConnection()
                || (dispatched > 0 && dispatchedBytes + cost > config.maxQueuedBytesPerConnection())
                || !core.reserve(this, cost))
            {
                break;
            }
            held.pollFirst();
            dispatched++;
            dispatchedBytes += cost;
            costs.addInt(cost);
            requests.offer(frame);
            core.worker.schedule(this);
        }
        if (active)
        {
            final boolean read = !closed && held.isEmpty() && channel.isWritable() && !starved
                && dispatched < config.maxInFlightPerConnection()
                && dispatchedBytes < config.maxQueuedBytesPerConnection();
            if (read != channel.config().isAutoRead())
            {
                if (read)
                {
                    decoder.resumed(core.clock.nanoTime());
                }
                channel.config().setAutoRead(read);
            }
        }
    }

    /** Bytes a request may occupy until answered: its frame and the data its answer can carry. */
    private int cost(final ByteBuf frame)
    {
        final int base = frame.readerIndex();
        final int op = frame.getUnsignedByte(base + StorageProtocol.OP_OFFSET);
        final int length = frame.getIntLE(base + StorageProtocol.LENGTH_OFFSET);
        final int answer = op == StorageOp.READ ? Math.max(0, Math.min(length, core.maxIoBytes))
            : op == StorageOp.STATUS ? StorageProtocol.STATUS_LENGTH : 0;
        return 2 * (StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH) + frame.readableBytes() + answer;
    }

    /** Worker thread: queues an answer (in request order) for the event loop to write. */
    void deliver(final ByteBuf response)
    {
        responses.offer(response);
        if (drainScheduled.compareAndSet(false, true))
        {
            try
            {
                channel.eventLoop().execute(drainTask);
            }
            catch (final RejectedExecutionException ex)
            {
                releaseAll(responses); // the server is shutting down
            }
        }
    }

    private void drainResponses()
    {
        drainScheduled.set(false);
        int written = 0;
        for (ByteBuf response = responses.poll(); response != null; response = responses.poll())
        {
            if (!active)
            {
                response.release();
                continue;
            }
            ctx.write(response, ctx.voidPromise());
            written++;
            final int cost = costs.pollInt();
            dispatched--;
            dispatchedBytes -= cost;
            core.release(cost);
        }
        if (written > 0)
        {
            ctx.flush();
            pump();
        }
    }

    private void checkTimeouts()
    {
        if (!active || closed)
        {
            return;
        }
        final long now = core.clock.nanoTime();
        final long requestTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMs());
        final long partialSince = decoder.partialSinceNs();
        if (!authenticated && now - connectedAtNs >= requestTimeoutNs)
        {
            timeout(StorageServerLog.Reason.HANDSHAKE_TIMEOUT, "no AUTH within " + config.requestTimeoutMs() + " ms");
        }
        else if (partialSince != RequestFrameDecoder.NONE && channel.config().isAutoRead()
            && now - partialSince >= requestTimeoutNs)
        {
            timeout(StorageServerLog.Reason.REQUEST_TIMEOUT,
                "request incomplete after " + config.requestTimeoutMs() + " ms");
        }
        else if (authenticated && dispatched == 0 && now - lastReadNs >= TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs()))
        {
            timeout(StorageServerLog.Reason.IDLE_TIMEOUT, "idle for " + config.idleTimeoutMs() + " ms");
        }
    }

    private void timeout(final StorageServerLog.Reason reason, final String detail)
    {
        core.log.log(reason, remote, -1, detail);
        closed = true;
        channel.close();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext context)
    {
        pump();
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext context)
    {
        if (!active)
        {
            return;
        }
        active = false;
        closed = true;
        core.connectionClosed();
        if (timer != null)
        {
            timer.cancel(false);
        }
        releaseAll(held);
        releaseAll(responses);
        core.forget(this);
        costs.clear();
        dispatched = 0;
        final long bytes = dispatchedBytes;
        dispatchedBytes = 0;
        core.release(bytes);
        core.worker.schedule(this); // the worker drops what it still holds of this connection
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause)
    {
        if (cause instanceof DecoderException)
        {
            core.log.log(StorageServerLog.Reason.MALFORMED_FRAME, remote, -1, cause.getMessage());
        }
        else if (!(cause instanceof IOException))
        {
            core.log.log(StorageServerLog.Reason.INTERNAL_ERROR, remote, -1, String.valueOf(cause));
        }
        closed = true;
        context.close();
    }

    private static void releaseAll(final java.util.Queue<ByteBuf> queue)
    {
        for (ByteBuf b = queue.poll(); b != null; b = queue.poll())
        {
            b.release();
        }
    }

    /** A response frame with its header written and room for {@code payloadLength} bytes after it. */
    static ByteBuf response(
        final ByteBufAllocator alloc,
        final int op,
        final long requestId,
        final int status,
        final long value,
        final int payloadLength)
    {
        final ByteBuf out = alloc.directBuffer(StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH + payloadLength);
        out.writeIntLE(StorageProtocol.HEADER_LENGTH + payloadLength);
        out.writeIntLE(StorageProtocol.MAGIC);
        out.writeByte(StorageProtocol.VERSION);
        out.writeByte(op);
        out.writeShortLE(status);
        out.writeLongLE(requestId);
        out.writeIntLE(0);
        out.writeIntLE(payloadLength);
        out.writeLongLE(0);
        out.writeLongLE(0);
        out.writeLongLE(value);
        return out;
    }
}

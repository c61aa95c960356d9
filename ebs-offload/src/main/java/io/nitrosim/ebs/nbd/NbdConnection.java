package io.nitrosim.ebs.nbd;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One NBD client connection, on its channel's event loop: the fixed newstyle handshake (its options answered by
 * {@link NbdHandshake}), then the transmission phase with simple replies. It checks every request against the export (bounds, alignment, flags, read-only)
 * and answers what it can itself with an error reply; the rest becomes a {@link BlockRequest} for the export's
 * device. Completions come back on a one-to-one queue (the device is its only producer) and are turned into
 * replies on the event loop.
 * <p>
 * When the export is withdrawn (its queue closed: a volume detached from a running region), every request
 * received from then on is answered NBD_ESHUTDOWN, as the protocol asks of a server shutting down, and the
 * connection closes once those replies and the ones in flight are out.
 * <p>
 * Hard disconnects happen only where the protocol leaves no reply to give: unknown client flags, a bad option
 * or request magic (the stream cannot be parsed any further), NBD_OPT_EXPORT_NAME of an unknown export or longer
 * than the option limit, a payload larger than the server will ever accept (answered with an error first), and the
 * timeouts.
 */
final class NbdConnection extends ChannelInboundHandlerAdapter implements BlockRequest.Owner
{
    private static final int CLIENT_FLAGS = 0;
    private static final int OPTIONS = 1;
    private static final int TRANSMISSION = 2;
    private static final int CLOSING = 3;

    private final NbdServer server;
    private final NbdServer.Context limits;
    private final ArrayDeque<BlockRequest> pool = new ArrayDeque<>();
    private final OneToOneConcurrentArrayQueue<BlockRequest> completed;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final NbdHandshake handshake;
    private ChannelHandlerContext ctx;
    private ByteBuf in;
    private int state = CLIENT_FLAGS;
    private boolean admitted;
    private boolean noZeroes;
    private NbdExport export;
    private int created;
    private int inFlight;
    private long queuedBytes;
    private boolean readPaused;
    private boolean closed;
    private boolean joined;
    private boolean withdrawn;
    private ScheduledFuture<?> handshakeTimer;

    // A payload being skipped, and what to answer once it is.
    private long discardRemaining;
    private boolean discardInHandshake;
    private int discardOption;
    private long discardCookie;
    private int discardError;
    private boolean closeAfterDiscard;

    NbdConnection(final NbdServer server)
    {
        this.server = server;
        this.limits = server.limits();
        this.completed = new OneToOneConcurrentArrayQueue<>(limits.maxInFlight);
        this.handshake = new NbdHandshake(server, this);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Channel events

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        handshake.context(ctx);
        admitted = server.admit();
        final ByteBuf greeting = ctx.alloc().buffer(NbdProtocol.GREETING_LENGTH);
        greeting.writeLong(NbdProtocol.NBDMAGIC).writeLong(NbdProtocol.IHAVEOPT)
            .writeShort(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES);
        ctx.writeAndFlush(greeting);
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, limits.handshakeTimeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf data = (ByteBuf)msg;
        if (closed)
        {
            data.release();
            return;
        }
        in = in == null ? data : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), in, data);
        process();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        maybeResume();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof IdleStateEvent && inFlight == 0)
        {
            server.timeouts.increment();
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close(); // a reset or broken connection: nothing more can be said to this client
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closed = true;
        if (handshakeTimer != null)
        {
            handshakeTimer.cancel(false);
        }
        if (in != null)
        {
            in.release();
            in = null;
        }
        if (joined)
        {
            joined = false;
            export.queue().leave(); // after this connection's last offer
        }
        server.released();
    }

    private void handshakeTimedOut()
    {
        if (state < TRANSMISSION && !closed)
        {
            server.timeouts.increment();
            ctx.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parsing

    private void process()
    {
        while (in != null && !closed)
        {
            if (discardRemaining > 0)
            {
                final int n = (int)Math.min(in.readableBytes(), discardRemaining);
                in.skipBytes(n);
                discardRemaining -= n;
                if (discardRemaining > 0)
                {
                    break;
                }
                finishDiscard();
                continue;
            }
            final boolean progressed;
            switch (state)
            {
                case CLIENT_FLAGS:
                    progressed = clientFlags();
                    break;
                case OPTIONS:
                    progressed = option();
                    break;
                case TRANSMISSION:
                    progressed = request();
                    break;
                default:
                    in.skipBytes(in.readableBytes()); // nothing may follow NBD_CMD_DISC
                    progressed = false;
                    break;
            }
            if (!progressed)
            {
                break;
            }
        }
        if (withdrawn && state == TRANSMISSION && discardRemaining == 0 && !closed)
        {
            state = CLOSING; // every request received is answered; close once those in flight are too
            pauseReading();
            closeIfDone();
        }
        if (in != null)
        {
            if (!in.isReadable())
            {
                in.release();
                in = null;
            }
            else
            {
                in.discardSomeReadBytes(); // keeps the cumulation at about one request, however long the stream
            }
        }
    }

    private boolean clientFlags()
    {
        if (in.readableBytes() < 4)
        {
            return false;
        }
        final int flags = in.readInt();
        if ((flags & ~(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES)) != 0)
        {
            violation(); // the server MUST drop the connection on unknown client flags
            return false;
        }
        noZeroes = (flags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
        state = OPTIONS;
        return true;
    }

    private boolean option()
    {
        if (in.readableBytes() < NbdProtocol.OPTION_HEADER_LENGTH)
        {
            return false;
        }
        final int start = in.readerIndex();
        if (in.getLong(start) != NbdProtocol.IHAVEOPT)
        {
            violation();
            return false;
        }
        final int option = in.getInt(start + 8);
        final long length = in.getUnsignedInt(start + 12);
        if (length > NbdServer.MAX_OPTION_BYTES)
        {
            if (option == NbdProtocol.OPT_EXPORT_NAME)
            {
                violation(); // EXPORT_NAME has no error reply (a client reads any reply as the export's size)
                return false;
            }
            in.skipBytes(NbdProtocol.OPTION_HEADER_LENGTH);
            discard(length, true, option, 0, NbdProtocol.REP_ERR_TOO_BIG, length > NbdProtocol.DOS_PAYLOAD_FLOOR);
            return true;
        }
        if (in.readableBytes() < NbdProtocol.OPTION_HEADER_LENGTH + length)
        {
            return false;
        }
        in.skipBytes(NbdProtocol.OPTION_HEADER_LENGTH);
        final ByteBuf data = in.readSlice((int)length);
        handshake.option(option, data, admitted, noZeroes);
        return true;
    }

    private boolean request()
    {
        if (inFlight >= limits.maxInFlight || queuedBytes >= limits.maxQueuedBytes || !ctx.channel().isWritable())
        {
            pauseReading();
            return false;
        }
        if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_LENGTH)
        {
            return false;
        }
        final int start = in.readerIndex();
        if (in.getInt(start) != NbdProtocol.REQUEST_MAGIC)
        {
            violation(); // without a valid header the next request cannot be found
            return false;
        }
        final int flags = in.getUnsignedShort(start + 4);
        final int type = in.getUnsignedShort(start + 6);
        final long cookie = in.getLong(start + 8);
        final long offset = in.getLong(start + 16);
        final long length = in.getUnsignedInt(start + 24);
        if (type != NbdProtocol.CMD_DISC && export.queue().isClosed())
        {
            return withdrawnRequest(type, cookie, length);
        }
        if (type == NbdProtocol.CMD_WRITE)
        {
            final int error = checkWrite(flags, offset, length);
            if (error != 0)
            {
                in.skipBytes(NbdProtocol.REQUEST_HEADER_LENGTH);
                server.requests.increment();
                // A payload the server would never take is skipped when the protocol says it must be tolerated
                // (up to 32 MiB), otherwise answered and the connection closed.
                discard(length, false, 0, cookie, error, length > Math.max(export.maxPayloadBytes(),
                    NbdProtocol.DOS_PAYLOAD_FLOOR));
                return true;
            }
            if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_LENGTH + length)
            {
                return false;
            }
            in.skipBytes(NbdProtocol.REQUEST_HEADER_LENGTH);
            server.requests.increment();
            final ByteBuf payload = ctx.alloc().directBuffer((int)length);
            payload.writeBytes(in, (int)length);
            submit(BlockRequest.OP_WRITE, flags, cookie, offset, length, payload);
            return true;
        }
        in.skipBytes(NbdProtocol.REQUEST_HEADER_LENGTH);
        server.requests.increment();
        command(type, flags, cookie, offset, length);
        return true;
    }

    /** A request to a withdrawn export: NBD_ESHUTDOWN (a WRITE's payload skipped first). */
    private boolean withdrawnRequest(final int type, final long cookie, final long length)
    {
        withdrawn = true;
        in.skipBytes(NbdProtocol.REQUEST_HEADER_LENGTH);
        server.requests.increment();
        if (type == NbdProtocol.CMD_WRITE)
        {
            discard(length, false, 0, cookie, NbdProtocol.ESHUTDOWN, length > NbdProtocol.DOS_PAYLOAD_FLOOR);
        }
        else
        {
            errorReply(cookie, NbdProtocol.ESHUTDOWN);
        }
        return true;
    }

    private void discard(final long length, final boolean handshake, final int option, final long cookie,
        final int error, final boolean thenClose)
    {
        discardInHandshake = handshake;
        discardOption = option;
        discardCookie = cookie;
        discardError = error;
        closeAfterDiscard = thenClose;
        if (thenClose)
        {
            finishDiscard();
            return;
        }
        discardRemaining = length;
        if (length == 0)
        {
            finishDiscard();
        }
    }

    private void finishDiscard()
    {
        if (discardInHandshake)
        {
            handshake.reply(discardOption, discardError, "option data too long: accepted up to "
                + NbdServer.MAX_OPTION_BYTES + " bytes");
        }
        else
        {
            errorReply(discardCookie, discardError);
        }
        if (closeAfterDiscard)
        {
            server.violations.increment();
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
            closed = true;
        }
    }

    /** A break of the protocol that no reply can answer: close. */
    void violation()
    {
        server.violations.increment();
        ctx.flush();
        ctx.close();
        closed = true;
    }

    /** The handshake chose {@code e}: requests follow. */
    void enterTransmission(final NbdExport e)
    {
        export = e;
        e.queue().join(); // before the first look at isClosed(): see BlockQueue
        joined = true;
        state = TRANSMISSION;
        if (handshakeTimer != null)
        {
            handshakeTimer.cancel(false);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transmission

    private int checkWrite(final int flags, final long offset, final long length)
    {
        if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0)
        {
            return NbdProtocol.EINVAL;
        }
        if (export.readOnly())
        {
            return NbdProtocol.EPERM;
        }
        if (length > export.maxPayloadBytes() || misaligned(offset, length))
        {
            return NbdProtocol.EINVAL;
        }
        return beyondEnd(offset, length) ? NbdProtocol.ENOSPC : 0;
    }

    private void command(final int type, final int flags, final long cookie, final long offset, final long length)
    {
        switch (type)
        {
            case NbdProtocol.CMD_READ:
                if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0 || length > export.maxPayloadBytes()
                    || misaligned(offset, length) || beyondEnd(offset, length))
                {
                    errorReply(cookie, NbdProtocol.EINVAL);
                }
                else if (length == 0)
                {
                    simpleReply(cookie, 0);
                }
                else
                {
                    submit(BlockRequest.OP_READ, flags, cookie, offset, length, ctx.alloc().directBuffer((int)length));
                }
                break;
            case NbdProtocol.CMD_FLUSH:
                if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0 || offset != 0 || length != 0)
                {
                    errorReply(cookie, NbdProtocol.EINVAL);
                }
                else
                {
                    submit(BlockRequest.OP_FLUSH, flags, cookie, 0, 0, null);
                }
                break;
            case NbdProtocol.CMD_TRIM:
            case NbdProtocol.CMD_WRITE_ZEROES:
            {
                final boolean zeroes = type == NbdProtocol.CMD_WRITE_ZEROES;
                final int allowed = NbdProtocol.CMD_FLAG_FUA | (zeroes ? NbdProtocol.CMD_FLAG_NO_HOLE : 0);
                if ((flags & ~allowed) != 0 || misaligned(offset, length))
                {
                    errorReply(cookie, NbdProtocol.EINVAL);
                }
                else if (export.readOnly())
                {
                    errorReply(cookie, NbdProtocol.EPERM);
                }
                else if (beyondEnd(offset, length))
                {
                    errorReply(cookie, zeroes ? NbdProtocol.ENOSPC : NbdProtocol.EINVAL);
                }
                else if (length == 0)
                {
                    simpleReply(cookie, 0);
                }
                else
                {
                    submit(zeroes ? BlockRequest.OP_WRITE_ZEROES : BlockRequest.OP_TRIM, flags, cookie, offset, length,
                        null);
                }
                break;
            }
            case NbdProtocol.CMD_DISC:
                state = CLOSING; // answer what is in flight, then close
                pauseReading();
                closeIfDone();
                break;
            default:
                errorReply(cookie, NbdProtocol.EINVAL);
                break;
        }
    }

    private boolean misaligned(final long offset, final long length)
    {
        final long mask = export.minimumBlockBytes() - 1;
        return (offset & mask) != 0 || (length & mask) != 0;
    }

    private boolean beyondEnd(final long offset, final long length)
    {
        return Long.compareUnsigned(offset, export.sizeBytes()) > 0 || length > export.sizeBytes() - offset;
    }

    private void submit(
        final int op, final int flags, final long cookie, final long offset, final long length, final ByteBuf buffer)
    {
        final BlockRequest r = pool.isEmpty() ? newRequest() : pool.poll();
        r.set(op, (flags & NbdProtocol.CMD_FLAG_FUA) != 0, (flags & NbdProtocol.CMD_FLAG_NO_HOLE) != 0, offset, length);
        r.cookie = cookie;
        r.buffer = buffer;
        if (buffer != null)
        {
            if (buffer.hasMemoryAddress())
            {
                r.data(buffer.memoryAddress(), (int)length);
            }
            else
            {
                r.dataBuffer().wrap(buffer.nioBuffer(0, (int)length));
            }
        }
        else
        {
            r.data(0, 0);
        }
        inFlight++;
        queuedBytes += buffer == null ? 0 : length;
        if (!export.queue().offer(r))
        {
            // Cannot happen while the server's bounds hold (the queue holds every connection's limit).
            onDone(r);
            errorReply(cookie, NbdProtocol.EIO);
        }
    }

    private BlockRequest newRequest()
    {
        created++;
        return new BlockRequest(this);
    }

    /** Device thread: the request is done; queue it and wake the event loop once. */
    @Override
    public void onCompleted(final BlockRequest request)
    {
        completed.offer(request); // never full: at most maxInFlight requests exist for this connection
        if (drainScheduled.compareAndSet(false, true))
        {
            ctx.executor().execute(drainTask);
        }
    }

    private void drain()
    {
        drainScheduled.set(false);
        BlockRequest r;
        boolean any = false;
        while ((r = completed.poll()) != null)
        {
            any = true;
            final ByteBuf buffer = r.buffer;
            final long cookie = r.cookie;
            final int error = r.error();
            final boolean read = r.op() == BlockRequest.OP_READ;
            final long length = r.lengthBytes();
            onDone(r);
            if (closed)
            {
                release(buffer);
                continue;
            }
            if (error != 0)
            {
                server.errorReplies.increment();
            }
            if (read && error == 0)
            {
                server.readBytes.getAndAdd(length);
                buffer.writerIndex((int)length);
                simpleReply(cookie, 0);
                ctx.write(buffer);
            }
            else
            {
                if (r.op() == BlockRequest.OP_WRITE && error == 0)
                {
                    server.writeBytes.getAndAdd(length);
                }
                release(buffer);
                simpleReply(cookie, error);
            }
        }
        if (any && !closed)
        {
            ctx.flush();
        }
        if (!closeIfDone())
        {
            maybeResume();
        }
    }

    private void onDone(final BlockRequest r)
    {
        inFlight--;
        queuedBytes -= r.buffer == null ? 0 : r.lengthBytes();
        r.buffer = null;
        pool.push(r);
    }

    private static void release(final ByteBuf buffer)
    {
        if (buffer != null)
        {
            buffer.release();
        }
    }

    private boolean closeIfDone()
    {
        if (state == CLOSING && inFlight == 0 && !closed)
        {
            closed = true;
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
            return true;
        }
        return closed;
    }

    private void errorReply(final long cookie, final int error)
    {
        server.errorReplies.increment();
        simpleReply(cookie, error);
    }

    private void simpleReply(final long cookie, final int error)
    {
        final ByteBufAllocator alloc = ctx.alloc();
        final ByteBuf reply = alloc.buffer(NbdProtocol.SIMPLE_REPLY_LENGTH);
        reply.writeInt(NbdProtocol.SIMPLE_REPLY_MAGIC).writeInt(error).writeLong(cookie);
        ctx.write(reply);
    }

    private void pauseReading()
    {
        if (!readPaused)
        {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void maybeResume()
    {
        if (readPaused && state == TRANSMISSION && !closed && inFlight < limits.maxInFlight
            && queuedBytes < limits.maxQueuedBytes && ctx.channel().isWritable())
        {
            readPaused = false;
            ctx.channel().config().setAutoRead(true);
            process();
            ctx.flush();
        }
    }

    /** The client ended the handshake with NBD_OPT_ABORT: close once the reply is out. */
    void abort()
    {
        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        closed = true;
    }

    /** Requests allocated so far (at most the in-flight limit): the pool's size. */
    int requestsCreated()
    {
        return created;
    }
}

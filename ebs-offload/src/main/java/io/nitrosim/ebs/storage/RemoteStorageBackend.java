package io.nitrosim.ebs.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.pci.queue.RingReads;

/**
 * The client the card uses to reach a {@link StorageServer} over TCP ({@link StorageProtocol}).
 * <p>
 * The agent thread never blocks and never touches Netty: a submission encodes its frame into a bounded request
 * ring (Agrona many-to-one) and, if no drain is pending, schedules one on the client's event loop; the event
 * loop copies frames to the socket, matches responses to requests by id and places each completion in the
 * {@link CompletionRing} the agent polls. Room for every completion is reserved at submission, so none is ever
 * dropped. If the connection is lost, every request in flight completes with
 * {@link StorageStatus#DISCONNECTED} (it may or may not have been applied), and so does anything submitted later.
 * <p>
 * <b>Connecting</b> authenticates: the first frame is AUTH with the server's {@link AccessToken} (given, or read from
 * the server's data directory), and {@link Context#connect()} returns only once the server accepted it, failing
 * with a one-line message otherwise. The server's answer gives its limits; a client whose maximum I/O exceeds the
 * server's is refused at connect. The client then PINGs whenever it has sent nothing for a third of the server's
 * idle timeout, so an idle but healthy connection stays open.
 * <p>
 * <b>Flow control.</b> The event loop moves frames from the request ring to the socket only while the socket is
 * writable; when the server stops reading, the ring fills and submissions return false.
 * <p>
 * Request ids must be unique among requests in flight.
 */
public final class RemoteStorageBackend implements StorageBackend
{
    private static final int MSG_TYPE_FRAME = 1;
    private static final long NOT_PENDING = Long.MIN_VALUE;

    private final int maxIoBytes;
    private final EventLoopGroup group;
    private final Channel channel;
    private final EventLoop eventLoop;
    private final ManyToOneRingBuffer requests;
    private final MutableDirectBuffer requestBuffer;
    private final ByteBuffer requestView;
    private final CompletionRing completions;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final RequestWriter requestWriter = new RequestWriter();
    // Event-loop state.
    private final Long2LongHashMap pending = new Long2LongHashMap(NOT_PENDING);
    private final CompletableFuture<ByteBuffer> hello = new CompletableFuture<>();
    private ByteBuf pingFrame;
    private boolean disconnected;
    private long unmatchedResponses;
    private volatile boolean closed;

    private RemoteStorageBackend(final Context ctx)
    {
        this.maxIoBytes = ctx.maxIoBytes;
        final int frameBytes = StorageProtocol.LENGTH_PREFIX + StorageProtocol.maxFrameBodyLength(maxIoBytes);
        final int requestCapacity = BitUtil.findNextPositivePowerOfTwo(Math.max(4 << 20, 8 * (frameBytes + 64)));
        final ByteBuffer requestMemory =
            ByteBuffer.allocateDirect(requestCapacity + RingBufferDescriptor.TRAILER_LENGTH);
        requests = new ManyToOneRingBuffer(new UnsafeBuffer(requestMemory));
        requestBuffer = requests.buffer();
        requestView = requestMemory.duplicate();
        completions = new CompletionRing(EmbeddedStorageBackend.ringCapacity(maxIoBytes), maxIoBytes, ctx.maxInFlight);

        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final int maxFrame = StorageProtocol.maxFrameLength(maxIoBytes);
            final Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ctx.connectTimeoutMs)
                .handler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(
                            new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, maxFrame, 0,
                                StorageProtocol.LENGTH_PREFIX, 0, StorageProtocol.LENGTH_PREFIX, true),
                            new ResponseHandler());
                    }
                });
            final io.netty.channel.ChannelFuture connected = bootstrap.connect(ctx.host, ctx.port).awaitUninterruptibly();
            if (!connected.isSuccess())
            {
                throw new IllegalStateException("cannot connect to storage server " + ctx.host + ":" + ctx.port + ": "
                    + connected.cause().getMessage(), connected.cause());
            }
            channel = connected.channel();
            eventLoop = channel.eventLoop();
            authenticate(ctx);
        }
        catch (final RuntimeException ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw ex;
        }
    }

    /** Sends AUTH, waits (bounded) for the answer, checks the server's limits and starts the keepalive. */
    private void authenticate(final Context ctx)
    {
        final String server = "storage server " + ctx.host + ":" + ctx.port;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[StorageProtocol.LENGTH_PREFIX
            + StorageProtocol.HEADER_LENGTH + AccessToken.LENGTH]);
        StorageProtocol.encodeRequest(frame, 0, StorageOp.AUTH, 0, 0, 0, 0, 0, 0, AccessToken.LENGTH);
        ctx.token().copyTo(frame, StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH);
        channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(frame.byteArray()));
        final ByteBuffer answer;
        try
        {
            answer = hello.get(ctx.connectTimeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            channel.close().syncUninterruptibly();
            throw new IllegalStateException(server + " refused the connection: " + ex.getCause().getMessage());
        }
        catch (final TimeoutException | InterruptedException ex)
        {
            channel.close().syncUninterruptibly();
            throw new IllegalStateException(server + " did not answer AUTH within " + ctx.connectTimeoutMs + " ms");
        }
        final int serverMaxIo = answer.getInt(StorageProtocol.HELLO_MAX_IO_OFFSET);
        final long idleTimeoutMs = answer.getLong(StorageProtocol.HELLO_IDLE_TIMEOUT_OFFSET);
        if (maxIoBytes > serverMaxIo)
        {
            channel.close().syncUninterruptibly();
            throw new IllegalArgumentException("maximum I/O " + maxIoBytes + " B is above the " + server
                + "'s " + serverMaxIo + " B: accepted " + StorageEngine.SECTOR_BYTES + ".." + serverMaxIo + " B");
        }
        final UnsafeBuffer ping = new UnsafeBuffer(new byte[StorageProtocol.LENGTH_PREFIX
            + StorageProtocol.HEADER_LENGTH]);
        StorageProtocol.encodeRequest(ping, 0, StorageOp.PING, 0, 0, 0, 0, 0, 0, 0);
        pingFrame = io.netty.buffer.Unpooled.unreleasableBuffer(io.netty.buffer.Unpooled.wrappedBuffer(ping.byteArray()));
        final long keepaliveMs = Math.max(1, idleTimeoutMs / 3);
        channel.pipeline().addFirst(new IdleStateHandler(0, keepaliveMs, 0, TimeUnit.MILLISECONDS));
    }

    public static Context context(final int port)
    {
        return new Context(port);
    }

    @Override
    public int maxIoBytes()
    {
        return maxIoBytes;
    }

    @Override
    public boolean submitCreateVolume(final long requestId, final VolumeId volumeId, final long sizeBytes)
    {
        return submit(StorageOp.CREATE, requestId, volumeId.high(), volumeId.low(), sizeBytes, 0, 0, null, 0, 0, 0);
    }

    @Override
    public boolean submitWrite(
        final long requestId,
        final VolumeId volumeId,
        final long offsetBytes,
        final DirectBuffer src,
        final int srcIndex,
        final int length)
    {
        StorageBackend.checkIoLength(length, maxIoBytes);
        return submit(StorageOp.WRITE, requestId, volumeId.high(), volumeId.low(), offsetBytes, length, 0,
            src, srcIndex, length, 0);
    }

    @Override
    public boolean submitRead(final long requestId, final VolumeId volumeId, final long offsetBytes, final int length)
    {
        StorageBackend.checkIoLength(length, maxIoBytes);
        return submit(StorageOp.READ, requestId, volumeId.high(), volumeId.low(), offsetBytes, length, 0,
            null, 0, 0, length);
    }

    @Override
    public boolean submitFlush(final long requestId, final VolumeId volumeId)
    {
        return submit(StorageOp.FLUSH, requestId, volumeId.high(), volumeId.low(), 0, 0, 0, null, 0, 0, 0);
    }

    @Override
    public boolean submitTrim(final long requestId, final VolumeId volumeId, final long offsetBytes, final long lengthBytes)
    {
        return submit(StorageOp.TRIM, requestId, volumeId.high(), volumeId.low(), offsetBytes, 0, lengthBytes,
            null, 0, 0, 0);
    }

    @Override
    public boolean submitStatus(final long requestId)
    {
        return submit(StorageOp.STATUS, requestId, 0, 0, 0, 0, 0, null, 0, 0, StorageProtocol.STATUS_LENGTH);
    }

    private boolean submit(
        final int op,
        final long requestId,
        final int volHigh,
        final long volLow,
        final long offset,
        final int length,
        final long value,
        final DirectBuffer src,
        final int srcIndex,
        final int payloadLength,
        final int completionDataLength)
    {
        final int reserved = CompletionRing.completionBytes(completionDataLength);
        if (!completions.reserve(reserved))
        {
            return false;
        }
        final int frameLength = StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH + payloadLength;
        final int index = requests.tryClaim(MSG_TYPE_FRAME, frameLength);
        if (index < 0)
        {
            completions.unreserve(reserved);
            return false;
        }
        StorageProtocol.encodeRequest(
            requestBuffer, index, op, requestId, volHigh, volLow, offset, length, value, payloadLength);
        if (payloadLength > 0)
        {
            requestBuffer.putBytes(index + StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH,
                src, srcIndex, payloadLength);
        }
        requests.commit(index);
        // Full fence (CAS) after the commit: either the pending drain sees this record or we schedule one.
        if (drainScheduled.compareAndSet(false, true))
        {
            try
            {
                eventLoop.execute(drainTask);
            }
            catch (final RejectedExecutionException ex)
            {
                drainScheduled.set(false); // closed: the request stays unanswered, as after a close
            }
        }
        return true;
    }

    @Override
    public int poll(final StorageCompletionHandler handler, final int limit)
    {
        return completions.poll(handler, limit);
    }

    @Override
    public int inFlight()
    {
        return completions.inFlight();
    }

    /** Whether the connection is gone (every later submission completes DISCONNECTED). */
    public boolean isDisconnected()
    {
        return !channel.isActive();
    }

    private void drain()
    {
        drainScheduled.set(false);
        // Read until empty, past the padding at the end of the ring's buffer (RingReads): a plain read that meets
        // the padding returns 0 with records waiting at the start, and they would wait for a submission that never
        // comes when every slot is in flight (the client then stalls until its caller gives up).
        // Only while the socket takes more: otherwise the frames wait in the ring (which back-pressures submit).
        int total = 0;
        while (disconnected || channel.isWritable())
        {
            final int n = RingReads.read(requests, requestWriter, 64);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        if (total > 0 && !disconnected)
        {
            channel.flush();
        }
    }

    private static int reservedFor(final int op, final int length)
    {
        switch (op)
        {
            case StorageOp.READ:
                return CompletionRing.completionBytes(length);
            case StorageOp.STATUS:
                return CompletionRing.completionBytes(StorageProtocol.STATUS_LENGTH);
            default:
                return CompletionRing.completionBytes(0);
        }
    }

    /** Event loop: moves one request frame from the ring to the socket. */
    private final class RequestWriter implements MessageHandler
    {
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int body = index + StorageProtocol.LENGTH_PREFIX;
            final long requestId = buffer.getLong(body + StorageProtocol.REQUEST_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int op = buffer.getByte(body + StorageProtocol.OP_OFFSET) & 0xFF;
            final int ioLength = buffer.getInt(body + StorageProtocol.LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
            final int reserved = reservedFor(op, ioLength);
            if (disconnected)
            {
                completions.complete(requestId, op, StorageStatus.DISCONNECTED, 0, reserved);
                return;
            }
            pending.put(requestId, ((long)op << 32) | reserved);
            final ByteBuf out = channel.alloc().directBuffer(length);
            requestView.limit(index + length).position(index);
            out.writeBytes(requestView);
            channel.write(out, channel.voidPromise());
        }
    }

    /** Event loop: turns response frames into completions. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            try
            {
                onResponse(frame);
            }
            finally
            {
                frame.release();
            }
        }

        private void onResponse(final ByteBuf frame)
        {
            final int base = frame.readerIndex();
            if (frame.readableBytes() < StorageProtocol.HEADER_LENGTH)
            {
                return;
            }
            final int wireOp = frame.getUnsignedByte(base + StorageProtocol.OP_OFFSET);
            final int wireStatus = frame.getUnsignedShortLE(base + StorageProtocol.STATUS_OFFSET);
            if (!hello.isDone())
            {
                if (wireOp == StorageOp.AUTH && wireStatus == StorageStatus.OK
                    && frame.readableBytes() == StorageProtocol.HEADER_LENGTH + StorageProtocol.HELLO_LENGTH)
                {
                    final ByteBuffer answer = ByteBuffer.allocate(StorageProtocol.HELLO_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                    frame.getBytes(base + StorageProtocol.HEADER_LENGTH, answer);
                    hello.complete(answer.clear());
                }
                else
                {
                    hello.completeExceptionally(new IllegalStateException("answered " + StorageStatus.name(wireStatus)
                        + " to " + StorageOp.name(wireOp) + (wireStatus == StorageStatus.UNAUTHORIZED
                        ? " (wrong access token?)" : wireStatus == StorageStatus.BAD_VERSION
                        ? " (another protocol version)" : "")));
                }
                return;
            }
            if (wireOp == StorageOp.PING)
            {
                return; // keepalive answer
            }
            final long requestId = frame.getLongLE(base + StorageProtocol.REQUEST_ID_OFFSET);
            final long packed = pending.remove(requestId);
            if (packed == NOT_PENDING)
            {
                unmatchedResponses++;
                return;
            }
            final int op = (int)(packed >>> 32);
            final int reserved = (int)packed;
            final int status = frame.getUnsignedShortLE(base + StorageProtocol.STATUS_OFFSET);
            final long value = frame.getLongLE(base + StorageProtocol.VALUE_OFFSET);
            final int payloadLength = frame.readableBytes() - StorageProtocol.HEADER_LENGTH;
            if (payloadLength == 0)
            {
                completions.complete(requestId, op, status, value, reserved);
            }
            else if (CompletionRing.completionBytes(payloadLength) > reserved)
            {
                completions.complete(requestId, op, StorageStatus.BAD_REQUEST, 0, reserved); // not what was asked
            }
            else
            {
                final int index = completions.claim(op, payloadLength);
                frame.getBytes(base + StorageProtocol.HEADER_LENGTH, completions.dataView(index, payloadLength));
                completions.commit(index, requestId, status, value, reserved);
            }
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            if (evt instanceof IdleStateEvent && pingFrame != null)
            {
                ctx.writeAndFlush(pingFrame.duplicate(), ctx.voidPromise());
            }
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            if (ctx.channel().isWritable() && drainScheduled.compareAndSet(false, true))
            {
                drain();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            hello.completeExceptionally(new IllegalStateException("connection closed"));
            disconnected = true;
            pending.forEachLong((requestId, packed) ->
                completions.complete(requestId, (int)(packed >>> 32), StorageStatus.DISCONNECTED, 0, (int)packed));
            pending.clear();
            drain(); // anything still queued completes DISCONNECTED
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    /** Responses that matched no request in flight (protocol errors), for diagnostics. */
    public long unmatchedResponses()
    {
        return unmatchedResponses;
    }

    /** Closes the connection; requests in flight complete DISCONNECTED (poll to see them). */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Client configuration, validated in {@link #connect()}. */
    public static final class Context
    {
        private String host = StorageServer.LOOPBACK;
        private final int port;
        private int maxIoBytes = 1024 * 1024;
        private int maxInFlight = 256;
        private int connectTimeoutMs = 5_000;
        private AccessToken token;
        private Path tokenFile;

        private Context(final int port)
        {
            this.port = port;
        }

        /** The server's access token. */
        public Context accessToken(final AccessToken token)
        {
            this.token = token;
            return this;
        }

        /** Reads the access token at connect from the server's data directory ({@code DIR/access-token}). */
        public Context accessTokenFrom(final Path serverDataDir)
        {
            this.tokenFile = AccessToken.fileIn(serverDataDir);
            return this;
        }

        /** Reads the access token at connect from this file. */
        public Context accessTokenFile(final Path file)
        {
            this.tokenFile = file;
            return this;
        }

        AccessToken token()
        {
            return token;
        }

        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /** Largest READ/WRITE; must not exceed the server's. Default 1 MiB. */
        public Context maxIoBytes(final int maxIoBytes)
        {
            this.maxIoBytes = maxIoBytes;
            return this;
        }

        /** Requests in flight at most; default 256. */
        public Context maxInFlight(final int maxInFlight)
        {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Context connectTimeoutMs(final int connectTimeoutMs)
        {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /** Validates and connects (blocking: call at setup, not from an agent). */
        public RemoteStorageBackend connect()
        {
            if (host == null || host.isEmpty())
            {
                throw new IllegalArgumentException("storage server host is missing: accepted an address such as 127.0.0.1");
            }
            ConfigChecks.range("storage server port", port, 1, 65_535, "");
            ConfigChecks.range("maximum I/O", maxIoBytes, StorageEngine.SECTOR_BYTES, 64 << 20, " B");
            ConfigChecks.range("maximum requests in flight", maxInFlight, 1, 65_536, "");
            ConfigChecks.range("connect timeout", connectTimeoutMs, 1, 600_000, " ms");
            if (token == null && tokenFile == null)
            {
                throw new IllegalArgumentException("storage server access token is missing: give accessToken(...),"
                    + " accessTokenFile(FILE) or accessTokenFrom(SERVER_DATA_DIR)");
            }
            if (token == null)
            {
                token = AccessToken.read(tokenFile);
            }
            return new RemoteStorageBackend(this);
        }
    }
}

package io.nitrosim.ebs.storage;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * Serves a {@link StorageEngine} over the {@link StorageProtocol} on TCP. One event-loop thread does all the
 * work, so the engine is only ever touched by that thread; requests on a connection are answered in order,
 * and a WRITE's response is sent only after its journal append returned. Responses are flushed once per read
 * batch.
 */
public final class StorageServer implements AutoCloseable
{
    private final StorageEngine engine;
    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final int port;

    private StorageServer(final StorageEngine engine, final String host, final int port)
    {
        this.engine = engine;
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.connections = new DefaultChannelGroup("storage-connections", group.next());
        final int maxFrame = StorageProtocol.maxFrameLength(engine.maxIoBytes());
        try
        {
            final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        connections.add(ch);
                        ch.pipeline().addLast(
                            new LengthFieldBasedFrameDecoder(ByteOrder.LITTLE_ENDIAN, maxFrame, 0,
                                StorageProtocol.LENGTH_PREFIX, 0, StorageProtocol.LENGTH_PREFIX, true),
                            new Handler(engine));
                    }
                });
            serverChannel = bootstrap.bind(host, port).syncUninterruptibly().channel();
            this.port = ((InetSocketAddress)serverChannel.localAddress()).getPort();
        }
        catch (final RuntimeException ex)
        {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            throw ex;
        }
    }

    /**
     * Binds and starts serving; the engine must not be used by anyone else while the server runs.
     *
     * @param port 0 for an ephemeral port (see {@link #port()}).
     */
    public static StorageServer start(final StorageEngine engine, final String host, final int port)
    {
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("port " + port + " is out of range: accepted 0..65535 (0 = ephemeral)");
        }
        return new StorageServer(engine, host, port);
    }

    public int port()
    {
        return port;
    }

    public StorageEngine engine()
    {
        return engine;
    }

    /** Stops serving (the engine stays open: close it after). */
    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter
    {
        private final StorageEngine engine;
        private final int maxIoBytes;

        Handler(final StorageEngine engine)
        {
            this.engine = engine;
            this.maxIoBytes = engine.maxIoBytes();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf frame = (ByteBuf)msg;
            try
            {
                handle(ctx, frame);
            }
            finally
            {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx)
        {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close(); // malformed framing (e.g. a frame over the maximum): drop the connection
        }

        private void handle(final ChannelHandlerContext ctx, final ByteBuf frame)
        {
            final int base = frame.readerIndex();
            final int frameLength = frame.readableBytes();
            if (frameLength < StorageProtocol.HEADER_LENGTH)
            {
                ctx.close();
                return;
            }
            final int op = frame.getUnsignedByte(base + StorageProtocol.OP_OFFSET);
            final long requestId = frame.getLongLE(base + StorageProtocol.REQUEST_ID_OFFSET);
            if (frame.getIntLE(base + StorageProtocol.MAGIC_OFFSET) != StorageProtocol.MAGIC
                || frame.getUnsignedByte(base + StorageProtocol.VERSION_OFFSET) != StorageProtocol.VERSION)
            {
                ctx.writeAndFlush(response(ctx, op, requestId, StorageStatus.BAD_VERSION, 0, 0))
                    .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            final int volHigh = frame.getIntLE(base + StorageProtocol.VOL_HIGH_OFFSET);
            final long volLow = frame.getLongLE(base + StorageProtocol.VOL_LOW_OFFSET);
            final long offset = frame.getLongLE(base + StorageProtocol.OFFSET_OFFSET);
            final int length = frame.getIntLE(base + StorageProtocol.LENGTH_OFFSET);
            final long value = frame.getLongLE(base + StorageProtocol.VALUE_OFFSET);
            final int payloadLength = frameLength - StorageProtocol.HEADER_LENGTH;
            switch (op)
            {
                case StorageOp.CREATE:
                {
                    final int status = volHigh < 0 || volHigh > 15 ? StorageStatus.BAD_REQUEST :
                        engine.createVolume(VolumeId.of(volHigh, volLow), offset);
                    ctx.write(response(ctx, op, requestId, status, sequenceIfOk(status), 0));
                    break;
                }
                case StorageOp.WRITE:
                {
                    final int status = payloadLength != length ? StorageStatus.BAD_REQUEST : engine.write(
                        volHigh, volLow, offset, frame.nioBuffer(base + StorageProtocol.HEADER_LENGTH, payloadLength));
                    ctx.write(response(ctx, op, requestId, status, sequenceIfOk(status), 0));
                    break;
                }
                case StorageOp.READ:
                    read(ctx, requestId, volHigh, volLow, offset, length);
                    break;
                case StorageOp.FLUSH:
                    ctx.write(response(ctx, op, requestId, engine.flush(volHigh, volLow), 0, 0));
                    break;
                case StorageOp.TRIM:
                {
                    final int status = engine.trim(volHigh, volLow, offset, value);
                    ctx.write(response(ctx, op, requestId, status, sequenceIfOk(status), 0));
                    break;
                }
                case StorageOp.STATUS:
                {
                    final ByteBuf out = response(ctx, op, requestId, StorageStatus.OK, 0, StorageProtocol.STATUS_LENGTH);
                    final int dataIndex = out.writerIndex();
                    out.writerIndex(dataIndex + StorageProtocol.STATUS_LENGTH);
                    final ByteBuffer view = out.nioBuffer(dataIndex, StorageProtocol.STATUS_LENGTH);
                    StorageProtocol.encodeStatus(engine, new org.agrona.concurrent.UnsafeBuffer(view), 0);
                    ctx.write(out);
                    break;
                }
                default:
                    ctx.write(response(ctx, op, requestId, StorageStatus.BAD_REQUEST, 0, 0));
                    break;
            }
        }

        private long sequenceIfOk(final int status)
        {
            return status == StorageStatus.OK ? engine.lastSequence() : 0;
        }

        private void read(
            final ChannelHandlerContext ctx,
            final long requestId,
            final int volHigh,
            final long volLow,
            final long offset,
            final int length)
        {
            if (length < 0 || length > maxIoBytes)
            {
                ctx.write(response(ctx, StorageOp.READ, requestId, StorageStatus.TOO_LARGE, 0, 0));
                return;
            }
            final ByteBuf out = response(ctx, StorageOp.READ, requestId, StorageStatus.OK, 0, length);
            final int dataIndex = out.writerIndex();
            final int status = engine.read(volHigh, volLow, offset, out.nioBuffer(dataIndex, length));
            if (status == StorageStatus.OK)
            {
                out.writerIndex(dataIndex + length);
                ctx.write(out);
            }
            else
            {
                out.release();
                ctx.write(response(ctx, StorageOp.READ, requestId, status, 0, 0));
            }
        }

        /** A response frame with its header written and room for {@code payloadLength} bytes after it. */
        private static ByteBuf response(
            final ChannelHandlerContext ctx,
            final int op,
            final long requestId,
            final int status,
            final long value,
            final int payloadLength)
        {
            final ByteBuf out = ctx.alloc().directBuffer(
                StorageProtocol.LENGTH_PREFIX + StorageProtocol.HEADER_LENGTH + payloadLength);
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
}

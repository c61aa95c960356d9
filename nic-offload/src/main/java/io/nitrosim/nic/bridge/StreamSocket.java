package io.nitrosim.nic.bridge;

import java.util.ArrayDeque;

import org.agrona.DirectBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;

/**
 * The socket half of one bridged TCP connection, on its channel's event loop: bytes the local program sends go
 * into the connection's outbound ring (reading stops while the ring is full: the program's own socket then
 * fills and it is flow-controlled like any TCP sender), bytes from the network go from the inbound ring to the
 * program while the channel is writable. Half-closes travel both ways (the channel allows half closure).
 */
final class StreamSocket extends ChannelInboundHandlerAdapter
{
    private static final int CHUNK = 64 * 1024;

    private final StreamConnection c;
    private final BridgeSockets owner;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private final NettyBytes bytes = new NettyBytes();
    private final Runnable task = this::onWake;
    private ChannelHandlerContext ctx;
    private boolean inputDone;
    private boolean outputShut;
    private boolean reading;
    private boolean closed;

    StreamSocket(final StreamConnection c, final BridgeSockets owner)
    {
        this.c = c;
        this.owner = owner;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        c.wakeup.bind(ctx.channel().eventLoop(), task);
        if (c.active)
        {
            if (!owner.offerAccepted(c))
            {
                ctx.close(); // more connections than the bridge takes: refused
                return;
            }
        }
        else
        {
            c.targetConnected = true;
            startReading();
        }
        onWake();
    }

    private void startReading()
    {
        if (!reading)
        {
            reading = true;
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf b = (ByteBuf)msg;
        if (closed)
        {
            b.release();
            return;
        }
        pending.add(b);
        pushPending();
    }

    /** Copies what the outbound ring takes; while something is left, reading stops and the guest is asked to wake us. */
    private void pushPending()
    {
        if (closed)
        {
            pushAfterClose();
            return;
        }
        copyPending();
        if (!pending.isEmpty())
        {
            ctx.channel().config().setAutoRead(false);
            c.waitingForRoom = true; // then look again: the guest may have freed room meanwhile
            copyPending();
        }
        if (pending.isEmpty())
        {
            c.waitingForRoom = false;
            if (reading && !inputDone)
            {
                ctx.channel().config().setAutoRead(true);
            }
            if (inputDone)
            {
                c.localFinished = true; // every byte the program sent is in the ring
            }
        }
    }

    private void copyPending()
    {
        ByteBuf b;
        while ((b = pending.peek()) != null)
        {
            final int n = Math.min(b.readableBytes(), c.outbound.writable());
            if (n > 0)
            {
                final DirectBuffer view = bytes.readable(b, n);
                if (view != null)
                {
                    c.outbound.write(view, 0, n);
                }
                else
                {
                    final byte[] copy = new byte[n];
                    b.getBytes(b.readerIndex(), copy);
                    c.outbound.write(new org.agrona.concurrent.UnsafeBuffer(copy), 0, n);
                }
                b.skipBytes(n);
            }
            if (b.isReadable())
            {
                return;
            }
            pending.poll().release();
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof ChannelInputShutdownEvent)
        {
            inputDone = true;
            if (pending.isEmpty())
            {
                c.localFinished = true;
            }
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        onWake();
    }

    /**
     * The socket closed after the program finished sending, with bytes still waiting for room in the outbound
     * ring: they are the program's last words and go out before the FIN (the guest wakes us as the ring frees).
     */
    private void pushAfterClose()
    {
        copyPending();
        if (pending.isEmpty() && !c.released)
        {
            c.localFinished = true;
            c.released = true;
        }
        else if (!pending.isEmpty())
        {
            c.waitingForRoom = true;
            copyPending();
            if (pending.isEmpty())
            {
                pushAfterClose();
            }
        }
    }

    /** The guest changed something: state, inbound bytes, room in the outbound ring. */
    private void onWake()
    {
        c.wakeup.woken();
        if (closed)
        {
            if (!pending.isEmpty())
            {
                pushAfterClose();
            }
            return;
        }
        if (ctx == null)
        {
            return;
        }
        final int state = c.state;
        if (state == StreamConnection.REFUSED || state == StreamConnection.RESET)
        {
            if (state == StreamConnection.RESET)
            {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0); // the program sees a reset
            }
            closeNow();
            return;
        }
        if (c.active && state == StreamConnection.ESTABLISHED)
        {
            startReading();
        }
        drainInbound();
        if (c.waitingForRoom)
        {
            pushPending();
        }
        if (state == StreamConnection.CLOSED && c.inbound.readable() == 0 && !closed)
        {
            closed = true; // after the last bytes are written out
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void drainInbound()
    {
        boolean wrote = false;
        while (ctx.channel().isWritable() && c.inbound.readable() > 0)
        {
            final int n = Math.min(c.inbound.readable(), CHUNK);
            final ByteBuf out = ctx.alloc().directBuffer(n);
            final long head = c.inbound.head();
            c.inbound.read(head, bytes.writable(out, n), 0, n);
            out.writerIndex(out.writerIndex() + n);
            c.inbound.releaseTo(head + n);
            ctx.write(out);
            wrote = true;
        }
        if (wrote)
        {
            ctx.flush();
        }
        if (c.remoteFinished && c.inbound.readable() == 0 && !outputShut)
        {
            outputShut = true;
            // the peer finished: so does this socket, once what was written is out (shutting down drops the rest)
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                .addListener((ChannelFutureListener)f -> ((SocketChannel)ctx.channel()).shutdownOutput());
        }
    }

    private void closeNow()
    {
        closed = true;
        ctx.close();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close(); // reset by the program, or broken: the guest resets the peer
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closed = true;
        final int state = c.state;
        final boolean open = state == StreamConnection.OPENING || state == StreamConnection.ESTABLISHED;
        if (inputDone && outputShut && open && !pending.isEmpty())
        {
            pushAfterClose(); // a graceful close with bytes still to send: they go first
            return;
        }
        ByteBuf b;
        while ((b = pending.poll()) != null)
        {
            b.release();
        }
        final boolean graceful = c.localFinished && outputShut; // both halves finished: the guest completes alone
        if (!graceful && open)
        {
            c.localFailed = true;
        }
        c.released = true;
        owner.closed(c);
    }
}

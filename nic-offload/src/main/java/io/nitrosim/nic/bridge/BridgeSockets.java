package io.nitrosim.nic.bridge;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.MessageHandler;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket half of a port bridge, on Netty event loops: the listen sockets of the interface's port mappings
 * (TCP and UDP), the sockets toward local targets for the ports it serves, and the hand-over of new
 * connections and flows to the guest half through bounded lock-free queues. Each connection's bytes then move
 * only through its own rings ({@link StreamSocket}, {@link DatagramFlow}); nothing here touches guest state.
 */
public final class BridgeSockets implements SocketSide, AutoCloseable
{
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** Room for the largest UDP datagram (Netty's default of 2048 bytes would cut longer ones short). */
    private static final FixedRecvByteBufAllocator DATAGRAMS = new FixedRecvByteBufAllocator(65_536);
    /** Socket buffer asked for UDP sockets, so a busy event loop drops less (the kernel caps it at rmem_max). */
    private static final int DATAGRAM_SOCKET_BUFFER = 4 << 20;
    private static final DirectBuffer EMPTY = new org.agrona.concurrent.UnsafeBuffer(new byte[0]);

    private final EventLoopGroup group;
    private final List<PortMapping> mappings;
    private final int ringBytes;
    private final int udpRingBytes;
    private final int maxFlows;
    private final ManyToOneConcurrentArrayQueue<StreamConnection> accepted;
    private final ManyToOneConcurrentArrayQueue<DatagramFlow> newFlows;
    private final ChannelGroup channels;
    private final List<InetSocketAddress> listening = new ArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong datagramsDropped = new AtomicLong();

    /**
     * @param group          the event loops (shared with the simulation's other sockets).
     * @param mappings       the interface's port mappings, in the order the guest half numbers them.
     * @param maxConnections connections waiting for the guest at most (more are closed at once).
     */
    public BridgeSockets(final EventLoopGroup group, final List<PortMapping> mappings, final int ringBytes,
        final int udpRingBytes, final int maxConnections, final int maxFlows)
    {
        this.group = group;
        this.mappings = List.copyOf(mappings);
        this.ringBytes = ringBytes;
        this.udpRingBytes = udpRingBytes;
        this.maxFlows = maxFlows;
        this.accepted = new ManyToOneConcurrentArrayQueue<>(maxConnections);
        this.newFlows = new ManyToOneConcurrentArrayQueue<>(maxFlows);
        this.channels = new DefaultChannelGroup("bridge", group.next());
    }

    /** Binds every mapping's listen socket. @throws IllegalArgumentException naming an address that cannot be bound. */
    public BridgeSockets start()
    {
        for (int i = 0; i < mappings.size(); i++)
        {
            final PortMapping m = mappings.get(i);
            final int index = i;
            final Channel channel;
            try
            {
                if (m.tcp())
                {
                    channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>()
                        {
                            @Override
                            protected void initChannel(final SocketChannel ch)
                            {
                                channels.add(ch);
                                ch.pipeline().addLast(new StreamSocket(StreamConnection.accepted(ringBytes, index),
                                    BridgeSockets.this));
                            }
                        })
                        .bind(m.listenHost(), m.listenPort()).syncUninterruptibly().channel();
                }
                else
                {
                    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .option(ChannelOption.RECVBUF_ALLOCATOR, DATAGRAMS)
                        .option(ChannelOption.SO_RCVBUF, DATAGRAM_SOCKET_BUFFER)
                        .handler(new ClientDatagrams(index))
                        .bind(m.listenHost(), m.listenPort()).syncUninterruptibly().channel();
                }
            }
            catch (final RuntimeException ex)
            {
                close();
                throw new IllegalArgumentException("cannot listen on " + m.listenHost() + ":" + m.listenPort() + " ("
                    + m.protocol() + "): " + ex.getMessage(), ex);
            }
            channels.add(channel);
            listening.add((InetSocketAddress)channel.localAddress());
        }
        return this;
    }

    /** The bound address of mapping {@code i} (its port when 0 was asked for). */
    public InetSocketAddress listenAddress(final int i)
    {
        return listening.get(i);
    }

    /** Local connections closed at once because the bridge had no room for them. */
    public long refusedConnections()
    {
        return refused.get();
    }

    /** Datagrams from local programs dropped: a full flow ring, or more flows than the bridge takes. */
    public long datagramsDropped()
    {
        return datagramsDropped.get();
    }

    boolean offerAccepted(final StreamConnection c)
    {
        if (accepted.offer(c))
        {
            return true;
        }
        refused.incrementAndGet();
        return false;
    }

    void closed(final StreamConnection c)
    {
        // nothing to forget: the channel group drops closed channels by itself
    }

    @Override
    public StreamConnection pollAccepted()
    {
        return accepted.poll();
    }

    @Override
    public DatagramFlow pollNewFlow()
    {
        return newFlows.poll();
    }

    @Override
    public void connect(final StreamConnection c)
    {
        new Bootstrap().group(group).channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.AUTO_READ, false)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    channels.add(ch);
                    ch.pipeline().addLast(new StreamSocket(c, BridgeSockets.this));
                }
            })
            .connect("127.0.0.1", c.targetPort)
            .addListener((ChannelFutureListener)f ->
            {
                if (!f.isSuccess())
                {
                    c.localFailed = true; // nothing listens there: the guest answers the SYN with RST
                    c.released = true;
                }
            });
    }

    @Override
    public void open(final DatagramFlow f)
    {
        new Bootstrap().group(group).channel(NioDatagramChannel.class)
            .option(ChannelOption.RECVBUF_ALLOCATOR, DATAGRAMS)
            .option(ChannelOption.SO_RCVBUF, DATAGRAM_SOCKET_BUFFER)
            .handler(new TargetDatagrams(f))
            .connect(new InetSocketAddress("127.0.0.1", f.targetPort), new InetSocketAddress("127.0.0.1", 0))
            .addListener((ChannelFutureListener)future ->
            {
                if (!future.isSuccess())
                {
                    f.released = true;
                }
                else
                {
                    channels.add(future.channel());
                }
            });
    }

    @Override
    public void close()
    {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Writes one datagram's bytes into a flow's outbound ring, or counts it dropped. */
    private void toGuest(final DatagramFlow f, final ByteBuf content, final NettyBytes bytes)
    {
        final int n = content.readableBytes();
        DirectBuffer view = n == 0 ? EMPTY : bytes.readable(content, n);
        if (view == null)
        {
            final byte[] copy = new byte[n]; // a composite buffer: rare
            content.getBytes(content.readerIndex(), copy);
            view = new org.agrona.concurrent.UnsafeBuffer(copy);
        }
        if (!f.outbound.write(DatagramFlow.MSG_DATAGRAM, view, 0, n))
        {
            datagramsDropped.incrementAndGet();
        }
    }

    /** A UDP listen socket: one flow per client address, datagrams both ways. */
    private final class ClientDatagrams extends ChannelInboundHandlerAdapter implements MessageHandler
    {
        private final int mapping;
        private final Map<InetSocketAddress, DatagramFlow> flows = new HashMap<>();
        private final NettyBytes bytes = new NettyBytes();
        private ChannelHandlerContext ctx;
        private DatagramFlow draining;
        private boolean wrote;

        ClientDatagrams(final int mapping)
        {
            this.mapping = mapping;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final DatagramPacket packet = (DatagramPacket)msg;
            try
            {
                final InetSocketAddress sender = packet.sender();
                DatagramFlow f = flows.get(sender);
                if (f == null)
                {
                    if (flows.size() >= maxFlows)
                    {
                        datagramsDropped.incrementAndGet();
                        return;
                    }
                    final DatagramFlow created = DatagramFlow.fromClient(udpRingBytes, mapping, sender);
                    created.wakeup.bind(ctx.channel().eventLoop(), () -> drain(created));
                    if (!newFlows.offer(created))
                    {
                        datagramsDropped.incrementAndGet();
                        return;
                    }
                    flows.put(sender, created);
                    f = created;
                }
                toGuest(f, packet.content(), bytes);
            }
            finally
            {
                packet.release();
            }
        }

        /** Datagrams from the network go back to the client address of their flow. */
        private void drain(final DatagramFlow f)
        {
            f.wakeup.woken();
            if (f.expired)
            {
                flows.remove(f.client);
                f.released = true;
                return;
            }
            wrote = false;
            draining = f;
            f.inbound.read(this);
            if (wrote)
            {
                ctx.flush();
            }
        }

        @Override
        public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
        {
            ctx.write(new DatagramPacket(bytes.copy(ctx.alloc(), buffer, index, length), draining.client));
            wrote = true;
        }
    }

    /** A UDP socket connected to a local target, for one flow from a peer. */
    private final class TargetDatagrams extends ChannelInboundHandlerAdapter implements MessageHandler
    {
        private final DatagramFlow f;
        private final NettyBytes bytes = new NettyBytes();
        private ChannelHandlerContext ctx;
        private boolean wrote;

        TargetDatagrams(final DatagramFlow f)
        {
            this.f = f;
        }

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            this.ctx = ctx;
            f.wakeup.bind(ctx.channel().eventLoop(), this::drain);
            drain();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final DatagramPacket packet = (DatagramPacket)msg;
            try
            {
                toGuest(f, packet.content(), bytes);
            }
            finally
            {
                packet.release();
            }
        }

        private void drain()
        {
            f.wakeup.woken();
            if (f.expired)
            {
                ctx.close();
                f.released = true;
                return;
            }
            wrote = false;
            f.inbound.read(this);
            if (wrote)
            {
                ctx.flush();
            }
        }

        @Override
        public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
        {
            ctx.write(bytes.copy(ctx.alloc(), buffer, index, length));
            wrote = true;
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            // ICMP port unreachable and the like: UDP loses the datagram, the flow stays
        }
    }
}

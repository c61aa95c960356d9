package io.nitrosim.nic.fabric;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.shaping.ShapedRing;

/**
 * The fabric between simulator processes: every encapsulated frame ({@link EncapHeader} + frame) travels as one
 * UDP datagram, so one VPC spans several processes. The routing is static: {@link Builder#peer} says which
 * address serves which remote host id, {@link Builder#localHost} which card ring a received frame for a local
 * host enters (with {@code readyAtNs} = the receiving clock's now: the real network supplied the latency).
 * <p>
 * Why UDP: an encapsulated frame is already a datagram (real VPC encapsulations ride on UDP too); UDP keeps
 * flows independent (no head-of-line blocking of every flow behind one lost segment as on a TCP connection);
 * a datagram lost on an overloaded receiver is a frame lost in the network, which the traffic model sees and
 * reacts to, as guests do; and it needs no framing or connection state. The cost: no back-pressure across
 * processes (the receiver's socket buffer overflows instead, counted by the kernel), and no ordering guarantee
 * across routers (on one host, and on 127.0.0.1, one socket pair keeps order).
 * <p>
 * Time: processes share no clock, so a multi-process fabric runs in real time ({@code RealTimeRuntime}); each
 * process's cards stamp received frames with their own clock. Virtual time works inside one process only.
 * <p>
 * Threads: cards write into a many-to-one outbound ring (zero copy, allocation-free); the Netty event loop drains
 * it into datagrams (a pooled direct buffer and one {@link DatagramPacket} per frame) and writes received frames
 * into the destination card's fabric ring.
 */
public final class UdpFabricTransport implements AutoCloseable
{
    private static final int MSG_TYPE = 1;
    private static final int MAX_DATAGRAM = 65_507;

    private final int localHostId;
    private final NanoClock clock;
    private final Int2ObjectHashMap<InetSocketAddress> peers;
    private final Int2ObjectHashMap<ShapedRing> localHosts;
    private final ManyToOneRingBuffer outbound;
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Drainer drainer = new Drainer();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unroutable = new AtomicLong();
    private final AtomicLong inboundFull = new AtomicLong();
    private final AtomicLong outboundFull = new AtomicLong();

    private UdpFabricTransport(final Builder b)
    {
        this.localHostId = b.localHostId;
        this.clock = b.clock;
        this.peers = b.peers;
        this.localHosts = b.localHosts;
        this.outbound = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(b.outboundCapacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, b.socketBufferBytes)
                .option(ChannelOption.SO_SNDBUF, b.socketBufferBytes)
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new Receiver());
            this.channel = bootstrap.bind(b.bindAddress).syncUninterruptibly().channel();
        }
        catch (final RuntimeException ex)
        {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot bind the fabric transport of host " + b.localHostId + " to "
                + b.bindAddress + ": " + ex, ex);
        }
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public int localHostId()
    {
        return localHostId;
    }

    /** The bound address (with the actual port when bound to port 0). */
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)channel.localAddress();
    }

    /** A port towards a remote host; frames claimed on it leave as datagrams. */
    public FabricPort portTo(final int remoteHostId)
    {
        if (!peers.containsKey(remoteHostId))
        {
            throw new IllegalArgumentException("host " + localHostId + " has no peer address for host " + remoteHostId);
        }
        return outboundPort;
    }

    public long datagramsSent()
    {
        return sent.get();
    }

    public long datagramsReceived()
    {
        return received.get();
    }

    public long malformedDropped()
    {
        return malformed.get();
    }

    /** Frames for a host this transport neither serves locally nor knows a peer for. */
    public long unroutableDropped()
    {
        return unroutable.get();
    }

    /** Received frames dropped because the destination card's fabric ring was full. */
    public long inboundFullDropped()
    {
        return inboundFull.get();
    }

    /** Claims refused because the outbound ring was full (the frame waited in its sender's queue). */
    public long outboundFullStalls()
    {
        return outboundFull.get();
    }

    @Override
    public void close()
    {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 200, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    private final FabricPort outboundPort = new FabricPort()
    {
        @Override
        public int tryClaim(final int length, final int chargedBytes, final long nowNs)
        {
            final int index = outbound.tryClaim(MSG_TYPE, length);
            if (index < 0)
            {
                outboundFull.incrementAndGet();
            }
            return index;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            return outbound.buffer();
        }

        @Override
        public void commit(final int index)
        {
            outbound.commit(index);
            if (drainScheduled.compareAndSet(false, true))
            {
                channel.eventLoop().execute(drainTask);
            }
        }

        @Override
        public void abort(final int index)
        {
            outbound.abort(index);
        }
    };

    /** On the event loop: turns queued frames into datagrams. */
    private void drain()
    {
        drainScheduled.set(false); // a commit after this reschedules; one before is read below
        final int read = outbound.read(drainer, 1024);
        if (read > 0)
        {
            channel.flush();
        }
        if (outbound.size() > 0 && drainScheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(drainTask);
        }
    }

    private final class Drainer implements MessageHandler
    {
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final int dstHost = buffer.getInt(index + EncapHeader.DST_HOST_OFFSET, ByteOrder.BIG_ENDIAN);
            final InetSocketAddress address = peers.get(dstHost);
            if (address == null)
            {
                unroutable.incrementAndGet();
                return;
            }
            final ByteBuf datagram = channel.alloc().directBuffer(length);
            final ByteBuffer nio = datagram.internalNioBuffer(0, length);
            buffer.getBytes(index, nio, nio.position(), length);
            datagram.writerIndex(length);
            channel.write(new DatagramPacket(datagram, address));
            sent.incrementAndGet();
        }
    }

    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket>
    {
        private final byte[] scratch = new byte[MAX_DATAGRAM];
        private final UnsafeBuffer view = new UnsafeBuffer(scratch);
        private final EncapHeader encap = new EncapHeader();

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
        {
            received.incrementAndGet();
            final ByteBuf content = packet.content();
            final int length = content.readableBytes();
            content.getBytes(content.readerIndex(), scratch, 0, length);
            encap.wrap(view, 0);
            if (!encap.isValid(length))
            {
                malformed.incrementAndGet();
                return;
            }
            final ShapedRing ring = localHosts.get(encap.dstHostId());
            if (ring == null)
            {
                unroutable.incrementAndGet();
                return;
            }
            final int index = ring.tryClaim(clock.nanoTime(), encap.innerLength(), 0, length);
            if (index < 0)
            {
                inboundFull.incrementAndGet(); // a full receiver drops, as a real network would
                return;
            }
            ring.buffer().putBytes(index, view, 0, length);
            ring.commit(index);
        }
    }

    /** Validates the transport's configuration in one place. */
    public static final class Builder
    {
        private int localHostId = -1;
        private NanoClock clock;
        private InetSocketAddress bindAddress = new InetSocketAddress("127.0.0.1", 0);
        private final Int2ObjectHashMap<InetSocketAddress> peers = new Int2ObjectHashMap<>();
        private final Int2ObjectHashMap<ShapedRing> localHosts = new Int2ObjectHashMap<>();
        private int outboundCapacityBytes = 4 << 20;
        private int socketBufferBytes = 4 << 20;

        private Builder()
        {
        }

        /** The id this transport answers for in messages (usually the process's first host). */
        public Builder localHostId(final int hostId)
        {
            this.localHostId = hostId;
            return this;
        }

        /** The clock that stamps received frames (a real-time runtime's). */
        public Builder clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Builder bind(final InetSocketAddress address)
        {
            this.bindAddress = address;
            return this;
        }

        /** A host of another process and the address its transport listens on. */
        public Builder peer(final int hostId, final InetSocketAddress address)
        {
            if (hostId < 0 || address == null || peers.containsKey(hostId))
            {
                throw new IllegalArgumentException("peer host " + hostId + " at " + address
                    + " is invalid: host ids are >= 0, unique, with an address");
            }
            peers.put(hostId, address);
            return this;
        }

        /** A host of this process: received frames for it enter {@code fabricInbound}. */
        public Builder localHost(final int hostId, final ShapedRing fabricInbound)
        {
            if (hostId < 0 || fabricInbound == null || localHosts.containsKey(hostId))
            {
                throw new IllegalArgumentException("local host " + hostId
                    + " is invalid: host ids are >= 0, unique, with a fabric ring");
            }
            localHosts.put(hostId, fabricInbound);
            return this;
        }

        public Builder outboundCapacityBytes(final int bytes)
        {
            this.outboundCapacityBytes = bytes;
            return this;
        }

        public Builder socketBufferBytes(final int bytes)
        {
            this.socketBufferBytes = bytes;
            return this;
        }

        /** Validates and binds. */
        public UdpFabricTransport build()
        {
            if (localHostId < 0)
            {
                throw new IllegalArgumentException("transport host id " + localHostId + " must be >= 0");
            }
            if (clock == null)
            {
                throw new IllegalArgumentException("transport of host " + localHostId + " needs a clock");
            }
            if (bindAddress == null)
            {
                throw new IllegalArgumentException("transport of host " + localHostId + " needs a bind address");
            }
            if (Integer.bitCount(outboundCapacityBytes) != 1 || outboundCapacityBytes < 64 * 1024
                || outboundCapacityBytes > (1 << 30))
            {
                throw new IllegalArgumentException("outbound capacity " + outboundCapacityBytes
                    + " B invalid, accepted a power of two in 65536.." + (1 << 30) + " B");
            }
            if (socketBufferBytes < 64 * 1024 || socketBufferBytes > (256 << 20))
            {
                throw new IllegalArgumentException("socket buffer " + socketBufferBytes
                    + " B out of range, accepted 65536.." + (256 << 20) + " B");
            }
            for (final int hostId : localHosts.keySet())
            {
                if (peers.containsKey(hostId))
                {
                    throw new IllegalArgumentException("host " + hostId + " is both local and a remote peer");
                }
            }
            return new UdpFabricTransport(this);
        }
    }
}

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
 * <p>
 * <b>Authentication.</b> Every datagram carries an HMAC-SHA-256-128 tag keyed with the simulation's
 * {@link FabricKey} ({@link FabricAuthenticator}); a received datagram whose tag does not match is dropped and
 * counted ({@link #unauthenticatedDropped()}) before anything else is counted or read, so a local process without
 * the key can neither inject frames into a guest nor move the counters. All processes of one simulation must use
 * the same key ({@link Builder#key}); a transport built without one generates its own, which {@link #key()} returns
 * to hand to the others. Replayed datagrams (a captured authentic datagram sent again) are not detected.
 * <p>
 * <b>Counters</b> count what arrived: {@link #bytesReceived()} the datagrams' bytes, and a delivered record enters
 * the card's fabric ring charged with the bytes it carries (header + captured frame), never the inner length the
 * sender's header claims (which the card checks against the frame itself).
 */
public final class UdpFabricTransport implements AutoCloseable
{
    private static final int MSG_TYPE = 1;

    private final int localHostId;
    private final NanoClock clock;
    private final Int2ObjectHashMap<InetSocketAddress> peers;
    private final FabricKey key;
    private final FabricAuthenticator signer;
    private final FabricDatagramDecoder decoder;
    private final ManyToOneRingBuffer outbound;
    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private final Drainer drainer = new Drainer();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sentBytes = new AtomicLong();
    private final AtomicLong unroutableOutbound = new AtomicLong();
    private final AtomicLong outboundFull = new AtomicLong();

    private UdpFabricTransport(final Builder b)
    {
        this.localHostId = b.localHostId;
        this.clock = b.clock;
        this.peers = b.peers;
        this.key = b.key != null ? b.key : FabricKey.generate();
        this.signer = new FabricAuthenticator(key);
        this.decoder = new FabricDatagramDecoder(key, b.localHosts);
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
                .option(ChannelOption.RECVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(FabricDatagramDecoder.MAX_DATAGRAM_LENGTH + 1))
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

    /** The key this transport signs and checks with (to hand to the other processes of the simulation). */
    public FabricKey key()
    {
        return key;
    }

    public long datagramsSent()
    {
        return sent.get();
    }

    /** Bytes of the datagrams sent (tags included). */
    public long bytesSent()
    {
        return sentBytes.get();
    }

    /** Authentic datagrams received (whatever became of them next). */
    public long datagramsReceived()
    {
        return decoder.received.get();
    }

    /** Bytes of the authentic datagrams received, as they arrived. */
    public long bytesReceived()
    {
        return decoder.receivedBytes.get();
    }

    /** Datagrams dropped because their tag did not match (forged, tampered, keyed differently, or truncated). */
    public long unauthenticatedDropped()
    {
        return decoder.unauthenticated.get();
    }

    /** Authentic datagrams whose header or lengths do not hold together. */
    public long malformedDropped()
    {
        return decoder.malformed.get();
    }

    /** Frames for a host this transport neither serves locally nor knows a peer for (either direction). */
    public long unroutableDropped()
    {
        return decoder.unroutable.get() + unroutableOutbound.get();
    }

    /** Received frames dropped because the destination card's fabric ring was full. */
    public long inboundFullDropped()
    {
        return decoder.inboundFull.get();
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
                unroutableOutbound.incrementAndGet();
                return;
            }
            final int datagramLength = length + FabricAuthenticator.TAG_LENGTH;
            final ByteBuf datagram = channel.alloc().directBuffer(datagramLength);
            final ByteBuffer nio = datagram.internalNioBuffer(0, datagramLength);
            final int start = nio.position();
            buffer.getBytes(index, nio, start, length);
            signer.sign(nio, start, length);
            datagram.writerIndex(datagramLength);
            channel.write(new DatagramPacket(datagram, address));
            sent.incrementAndGet();
            sentBytes.addAndGet(datagramLength);
        }
    }

    private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket>
    {
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[FabricDatagramDecoder.MAX_DATAGRAM_LENGTH + 1]);

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final DatagramPacket packet)
        {
            final ByteBuf content = packet.content();
            final int length = Math.min(content.readableBytes(), view.capacity());
            content.getBytes(content.readerIndex(), view.byteArray(), 0, length);
            decoder.onDatagram(view, length, clock.nanoTime());
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
        private FabricKey key;
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

        /** The simulation's shared key; default: a new one (see {@link UdpFabricTransport#key()}). */
        public Builder key(final FabricKey key)
        {
            this.key = key;
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

package io.nitrosim.ebs.nbd;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.status.AtomicCounter;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;

/**
 * An NBD server (fixed newstyle, simple replies) on a TCP port, offering one or more {@link NbdExport}s. Each
 * connection is a {@link NbdConnection} on a Netty event loop; the requests it accepts go to the export's
 * {@link BlockQueue} and come back through the connection's own completion queue, so no protocol thread ever
 * touches the device side's state.
 * <p>
 * A server is static (its exports given at start) or, with {@link Context#changeable}, serves a table that its
 * owner changes while it runs ({@link #addExport}, {@link #withdrawExport}): protocol threads read an immutable
 * snapshot of it, so a connection sees either the old table or the new one. A withdrawn export's queue is closed:
 * the handshake no longer finds it and a connection using it answers its requests NBD_ESHUTDOWN, then closes.
 * <p>
 * Everything a client can make the server hold is bounded: connections ({@link Context#maxConnections}),
 * requests in flight and payload bytes queued per connection (reading stops while either is at its limit, or
 * while the client does not read its replies), the payload of one request (the export's max payload), the
 * option data of the handshake, the time a handshake may take and how long a connection may stay idle.
 */
public final class NbdServer implements AutoCloseable
{
    /** Option data larger than this is answered NBD_REP_ERR_TOO_BIG (names and info lists are far smaller). */
    static final int MAX_OPTION_BYTES = 16 * 1024;

    private final Context context;
    /** Immutable snapshot, replaced (under this server's lock) by the owner; read by any protocol thread. */
    private volatile List<NbdExport> exports;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final AtomicInteger connections = new AtomicInteger();
    final AtomicCounter accepted;
    final AtomicCounter refused;
    final AtomicCounter requests;
    final AtomicCounter readBytes;
    final AtomicCounter writeBytes;
    final AtomicCounter errorReplies;
    final AtomicCounter violations;
    final AtomicCounter timeouts;

    private NbdServer(final Context context)
    {
        this.context = context;
        this.exports = List.copyOf(context.exports);
        final CounterRegistry registry = context.registry;
        final MetricTags tags = context.tags;
        accepted = NbdMeter.CONNECTIONS_ACCEPTED.newCounter(registry, tags);
        refused = NbdMeter.CONNECTIONS_REFUSED.newCounter(registry, tags);
        requests = NbdMeter.REQUESTS.newCounter(registry, tags);
        readBytes = NbdMeter.READ_BYTES.newCounter(registry, tags);
        writeBytes = NbdMeter.WRITE_BYTES.newCounter(registry, tags);
        errorReplies = NbdMeter.ERROR_REPLIES.newCounter(registry, tags);
        violations = NbdMeter.PROTOCOL_VIOLATIONS.newCounter(registry, tags);
        timeouts = NbdMeter.TIMEOUTS.newCounter(registry, tags);
        NbdMeter.CONNECTIONS.newGauge(registry, tags, connections::get);
        this.ownsGroup = context.group == null;
        this.group = ownsGroup ? new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()) : context.group;
        this.channels = new DefaultChannelGroup("nbd-connections", group.next());
        final NbdServer server = this;
        try
        {
            final ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(1 << 20, Math.max(2 << 20, context.maxQueuedBytes)))
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        server.initConnection(ch);
                    }
                });
            final ChannelFuture bound = bootstrap.bind(context.host, context.port).awaitUninterruptibly();
            if (!bound.isSuccess())
            {
                throw new NbdListenException(context.host, context.port, bound.cause());
            }
            serverChannel = bound.channel();
            address = (InetSocketAddress)serverChannel.localAddress();
        }
        catch (final RuntimeException ex)
        {
            if (ownsGroup)
            {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            throw ex instanceof NbdListenException ? ex : new NbdListenException(context.host, context.port, ex);
        }
    }

    public static Context context()
    {
        return new Context();
    }

    public InetSocketAddress address()
    {
        return address;
    }

    public int port()
    {
        return address.getPort();
    }

    /** The exports served now (a snapshot). */
    public List<NbdExport> exports()
    {
        return exports;
    }

    /**
     * Serves {@code export} from now on (a {@link Context#changeable} server only); checked as the exports given at
     * start are. Called by the server's owner, from any one thread at a time.
     *
     * @throws IllegalArgumentException its name is taken, or its limits do not fit the server's.
     */
    public synchronized void addExport(final NbdExport export)
    {
        requireChangeable();
        final List<NbdExport> next = new ArrayList<>(exports);
        next.add(export);
        context.check(next);
        exports = List.copyOf(next);
    }

    /**
     * Stops serving the export named {@code name} (a {@link Context#changeable} server only): new sessions cannot
     * choose it and its queue is closed, so connections using it answer their next requests NBD_ESHUTDOWN and
     * close. Requests already in its queue or device are its owner's to answer.
     *
     * @return the export, or null if none has that name.
     */
    public synchronized NbdExport withdrawExport(final String name)
    {
        requireChangeable();
        for (final NbdExport e : exports)
        {
            if (e.name().equals(name))
            {
                final List<NbdExport> next = new ArrayList<>(exports);
                next.remove(e);
                exports = List.copyOf(next);
                e.queue().close();
                return e;
            }
        }
        return null;
    }

    private void requireChangeable()
    {
        if (!context.changeable)
        {
            throw new IllegalStateException("this NBD server's exports were fixed at start");
        }
    }

    /** Connections open now. */
    public int connections()
    {
        return connections.get();
    }

    public long acceptedConnections()
    {
        return accepted.get();
    }

    public long refusedConnections()
    {
        return refused.get();
    }

    /** Requests of the transmission phase answered or in flight. */
    public long requests()
    {
        return requests.get();
    }

    public long errorReplies()
    {
        return errorReplies.get();
    }

    /** Connections closed because the client broke the protocol beyond what an error reply could answer. */
    public long protocolViolations()
    {
        return violations.get();
    }

    /** Connections closed by the handshake or idle timeout. */
    public long timeouts()
    {
        return timeouts.get();
    }

    Context limits()
    {
        return context;
    }

    /**
     * The export selected by {@code name} (a name or alias; "" selects the first, the default export, unless the
     * table changes while the server runs: then there is no default), or null; never a withdrawn one.
     */
    NbdExport find(final String name)
    {
        final List<NbdExport> table = exports;
        if (name.isEmpty())
        {
            return context.changeable || table.isEmpty() ? null : table.get(0);
        }
        for (final NbdExport e : table)
        {
            if (e.answersTo(name) && !e.queue().isClosed())
            {
                return e;
            }
        }
        return null;
    }

    /** Sets up the pipeline of one client connection (also used by tests on an embedded channel). */
    void initConnection(final Channel ch)
    {
        channels.add(ch);
        if (context.idleTimeoutMs > 0)
        {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, context.idleTimeoutMs, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast(new NbdConnection(this));
    }

    /** Counts a new connection; false when it is over the limit (it is counted as refused instead). */
    boolean admit()
    {
        if (connections.incrementAndGet() > context.maxConnections)
        {
            refused.increment();
            return false;
        }
        accepted.increment();
        return true;
    }

    void released()
    {
        connections.decrementAndGet();
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        channels.close().syncUninterruptibly();
        if (ownsGroup)
        {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Configuration, validated in {@link #start()}. */
    public static final class Context
    {
        private String host = "127.0.0.1";
        private int port;
        private final List<NbdExport> exports = new ArrayList<>();
        int maxConnections = 64;
        int maxInFlight = 64;
        int maxQueuedBytes = 64 << 20;
        long handshakeTimeoutMs = 10_000;
        long idleTimeoutMs = 600_000;
        boolean changeable;
        private EventLoopGroup group;
        private CounterRegistry registry;
        private MetricTags tags = MetricTags.EMPTY;

        /** Address to bind, a loopback address unless the caller decides otherwise. Default 127.0.0.1. */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /** TCP port, 0 = ephemeral. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public Context export(final NbdExport export)
        {
            exports.add(export);
            return this;
        }

        /** Connections served at once, 1..4096; more are answered NBD_REP_ERR_POLICY. Default 64. */
        public Context maxConnections(final int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        /** Requests in flight per connection, 1..1024. Default 64. */
        public Context maxInFlight(final int maxInFlight)
        {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Payload bytes (writes received, reads pending) per connection before reading stops. Default 64 MiB. */
        public Context maxQueuedBytes(final int maxQueuedBytes)
        {
            this.maxQueuedBytes = maxQueuedBytes;
            return this;
        }

        /** Time a client has to finish the handshake, ms. Default 10 s. */
        public Context handshakeTimeoutMs(final long ms)
        {
            this.handshakeTimeoutMs = ms;
            return this;
        }

        /** Time a connection may stay without any traffic, ms; 0 = forever. Default 10 min. */
        public Context idleTimeoutMs(final long ms)
        {
            this.idleTimeoutMs = ms;
            return this;
        }

        /**
         * The owner adds and withdraws exports while the server runs ({@link #addExport}, {@link #withdrawExport});
         * the server may start with none, and has no default export (the empty name selects nothing). Default false.
         */
        public Context changeable(final boolean changeable)
        {
            this.changeable = changeable;
            return this;
        }

        /** Event loops to run on (shared with other servers); default: a one-thread group of the server's own. */
        public Context group(final EventLoopGroup group)
        {
            this.group = group;
            return this;
        }

        public Context registry(final CounterRegistry registry, final MetricTags tags)
        {
            this.registry = registry;
            this.tags = tags;
            return this;
        }

        /** Requests one export's queue must be able to hold: every connection with every request in flight. */
        public int queueCapacityNeeded()
        {
            return maxConnections * maxInFlight;
        }

        public NbdServer start()
        {
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("NBD port " + port + " is out of range: accepted 0..65535 (0 = any free)");
            }
            try
            {
                InetAddress.getByName(host);
            }
            catch (final UnknownHostException ex)
            {
                throw new IllegalArgumentException("NBD host '" + host + "' is not an address", ex);
            }
            if (exports.isEmpty() && !changeable)
            {
                throw new IllegalArgumentException("an NBD server needs at least one export");
            }
            if (maxConnections < 1 || maxConnections > 4096)
            {
                throw new IllegalArgumentException("NBD max connections " + maxConnections + ": accepted 1..4096");
            }
            if (maxInFlight < 1 || maxInFlight > 1024)
            {
                throw new IllegalArgumentException("NBD max requests in flight " + maxInFlight + ": accepted 1..1024");
            }
            if (handshakeTimeoutMs < 1 || idleTimeoutMs < 0)
            {
                throw new IllegalArgumentException("NBD timeouts: handshake " + handshakeTimeoutMs + " ms (accepted >= 1), idle "
                    + idleTimeoutMs + " ms (accepted >= 0)");
            }
            check(exports);
            return new NbdServer(this);
        }

        /** Every export fits the server's limits and no two answer to one name. */
        void check(final List<NbdExport> table)
        {
            final List<String> names = new ArrayList<>();
            for (final NbdExport e : table)
            {
                if (maxQueuedBytes < e.maxPayloadBytes())
                {
                    throw new IllegalArgumentException("NBD max queued bytes " + maxQueuedBytes + " is below export "
                        + e.name() + "'s max payload " + e.maxPayloadBytes());
                }
                if (e.queue().capacity() < queueCapacityNeeded())
                {
                    throw new IllegalArgumentException("export " + e.name() + ": block queue of " + e.queue().capacity()
                        + " requests is below " + queueCapacityNeeded() + " (connections x requests in flight)");
                }
                for (final String n : names)
                {
                    if (e.answersTo(n))
                    {
                        throw new IllegalArgumentException("NBD export name '" + n + "' is used twice on one server");
                    }
                }
                names.add(e.name());
                names.addAll(e.aliases());
            }
        }
    }
}

package io.nitrosim.ebs.storage;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

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

/**
 * Serves a {@link StorageEngine} over the {@link StorageProtocol} on TCP, to clients that present its
 * {@link AccessToken}.
 * <p>
 * Threads: one Netty event loop does all network work ({@link StorageSession} per connection: framing,
 * authentication, flow control, timeouts); one I/O thread ({@link StorageWorker}) runs every engine operation,
 * connection by connection in turn, so the engine is only ever touched by that thread and a slow operation
 * never stops the network. Requests on a connection are answered in order, and a WRITE's answer is sent only
 * after its journal append returned.
 * <p>
 * Limits (see {@link Context}; defaults in brackets): connections [64], requests in progress per connection
 * [256], bytes queued per connection [16 MiB] and in total [256 MiB], idle timeout [60 s], request and handshake
 * timeout [10 s], TRIM piece [1 MiB]; the engine adds volumes, volume size and open block files. Refused and
 * malformed input is counted and logged ({@link StorageServerLog}).
 */
public final class StorageServer implements AutoCloseable
{
    /** The only address the server binds unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";

    private final StorageEngine engine;
    private final ServerCore core;
    private final EventLoopGroup group;
    private final ChannelGroup connections;
    private final Channel serverChannel;
    private final int port;

    private StorageServer(final StorageEngine engine, final Context ctx, final AccessToken token)
    {
        this.engine = engine;
        this.core = new ServerCore(ctx, engine, token, true);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.connections = new DefaultChannelGroup("storage-connections", group.next());
        final int highWater = (int)Math.min(Integer.MAX_VALUE, ctx.maxQueuedBytesPerConnection);
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(highWater / 2, highWater))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.add(ch);
                    ch.pipeline().addLast(core.newDecoder(), core.newSession());
                }
            });
        final ChannelFuture bound = bootstrap.bind(ctx.host, ctx.port).awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            core.worker.close();
            final Throwable cause = bound.cause();
            throw new IllegalStateException("cannot listen on " + ctx.host + ":" + ctx.port + ": "
                + (cause == null ? "unknown error" : cause.getMessage()), cause);
        }
        serverChannel = bound.channel();
        this.port = ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /**
     * Binds {@code host:port} with the default limits and the token of the engine's data directory (created there
     * on first use); the engine must not be used by anyone else while the server runs.
     *
     * @param port 0 for an ephemeral port (see {@link #port()}).
     */
    public static StorageServer start(final StorageEngine engine, final String host, final int port)
    {
        return context().host(host).port(port).start(engine);
    }

    public static Context context()
    {
        return new Context();
    }

    public int port()
    {
        return port;
    }

    public StorageEngine engine()
    {
        return engine;
    }

    /** Counters of refused and malformed input. */
    public StorageServerLog log()
    {
        return core.log;
    }

    /** Requests the I/O thread has answered so far (any status). */
    public long requestsAnswered()
    {
        return core.worker.requestsAnswered();
    }

    /** Stops serving (the engine stays open: close it after). */
    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        core.worker.close();
    }

    /** Server configuration, validated in {@link #start(StorageEngine)}. */
    public static final class Context
    {
        private String host = LOOPBACK;
        private int port;
        private AccessToken accessToken;
        private int maxConnections = 64;
        private int maxInFlightPerConnection = 256;
        private long maxQueuedBytesPerConnection = 16L << 20;
        private long maxQueuedBytesTotal = 256L << 20;
        private long idleTimeoutMs = 60_000;
        private long requestTimeoutMs = 10_000;
        private long trimChunkBytes = 1L << 20;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private StorageServerLog log;

        private Context()
        {
        }

        /** Address to bind; default 127.0.0.1 (loopback only). */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /** Port; 0 (default) for an ephemeral one. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /** The token clients must present; default: the one in the engine's data directory (made on first use). */
        public Context accessToken(final AccessToken token)
        {
            this.accessToken = token;
            return this;
        }

        /** Connections at once; more are closed at accept. Default 64. */
        public Context maxConnections(final int max)
        {
            this.maxConnections = max;
            return this;
        }

        /** Requests of one connection in progress at once; beyond, the server stops reading it. Default 256. */
        public Context maxInFlightPerConnection(final int max)
        {
            this.maxInFlightPerConnection = max;
            return this;
        }

        /** Bytes of one connection's requests and answers the server holds; beyond, it stops reading. 16 MiB. */
        public Context maxQueuedBytesPerConnection(final long bytes)
        {
            this.maxQueuedBytesPerConnection = bytes;
            return this;
        }

        /** Bytes of requests and answers of all connections together; default 256 MiB. */
        public Context maxQueuedBytesTotal(final long bytes)
        {
            this.maxQueuedBytesTotal = bytes;
            return this;
        }

        /** A connection that sends nothing for this long with no request in progress is closed; 60 s. */
        public Context idleTimeoutMs(final long ms)
        {
            this.idleTimeoutMs = ms;
            return this;
        }

        /** Time to send AUTH after connecting, and to finish sending a request once begun; 10 s. */
        public Context requestTimeoutMs(final long ms)
        {
            this.requestTimeoutMs = ms;
            return this;
        }

        /** A TRIM is done in pieces of this size, other connections served between them; 1 MiB. */
        public Context trimChunkBytes(final long bytes)
        {
            this.trimChunkBytes = bytes;
            return this;
        }

        /** Clock of the timeouts and the log's rate limit; default the system's. */
        public Context clock(final NanoClock clock)
        {
            this.clock = clock;
            return this;
        }

        /** Where refused and malformed input is counted and logged; default stderr, 20 lines/s. */
        public Context log(final StorageServerLog log)
        {
            this.log = log;
            return this;
        }

        NanoClock clock()
        {
            return clock;
        }

        StorageServerLog log()
        {
            if (log == null)
            {
                log = new StorageServerLog(System.err, clock, StorageServerLog.DEFAULT_LINES_PER_SECOND);
            }
            return log;
        }

        int maxConnections()
        {
            return maxConnections;
        }

        int maxInFlightPerConnection()
        {
            return maxInFlightPerConnection;
        }

        long maxQueuedBytesPerConnection()
        {
            return maxQueuedBytesPerConnection;
        }

        long maxQueuedBytesTotal()
        {
            return maxQueuedBytesTotal;
        }

        long idleTimeoutMs()
        {
            return idleTimeoutMs;
        }

        long requestTimeoutMs()
        {
            return requestTimeoutMs;
        }

        long trimChunkBytes()
        {
            return trimChunkBytes;
        }

        /** Checks every setting; one-line messages naming the value and the accepted range. */
        Context validate()
        {
            if (host == null || host.isEmpty())
            {
                throw new IllegalArgumentException("storage server host is missing: accepted an address such as "
                    + LOOPBACK);
            }
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("port " + port + " is out of range: accepted 0..65535 (0 = ephemeral)");
            }
            ConfigChecks.range("maximum connections", maxConnections, 1, 10_000, "");
            ConfigChecks.range("maximum requests in flight per connection", maxInFlightPerConnection, 1, 65_536, "");
            ConfigChecks.range("maximum queued bytes per connection", maxQueuedBytesPerConnection, 64 << 10, 1L << 30, " B");
            ConfigChecks.range("maximum queued bytes in total", maxQueuedBytesTotal, maxQueuedBytesPerConnection, 16L << 30,
                " B");
            ConfigChecks.range("idle timeout", idleTimeoutMs, 100, 86_400_000, " ms");
            ConfigChecks.range("request timeout", requestTimeoutMs, 10, 3_600_000, " ms");
            ConfigChecks.range("TRIM piece", trimChunkBytes, StorageEngine.SECTOR_BYTES, 1L << 30, " B");
            if (clock == null)
            {
                throw new IllegalArgumentException("storage server clock is missing");
            }
            return this;
        }

        /** Validates, then binds and starts serving {@code engine}. */
        public StorageServer start(final StorageEngine engine)
        {
            validate();
            final AccessToken token = accessToken != null ? accessToken : AccessToken.loadOrCreate(engine.dir());
            return new StorageServer(engine, this, token);
        }
    }
}

package io.nitrosim.simulator.serve;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * HTTP on 127.0.0.1 only: {@code GET /metrics} (Prometheus text), {@code GET /status} (JSON of the status
 * supplier's current value); any other path 404, any other method 405, a supplier failure 500, an HTTP version
 * other than 1.0 and 1.1 505.
 * <p>
 * Bounded against slow or hostile local clients ({@link Limits}): a request must arrive whole within the request
 * timeout of the connection's opening (or of the previous response), else the connection gets 408 and is closed
 * (a client sending one byte at a time gains nothing); requests are at most 64 KiB; at most
 * {@code maxConnections} connections are open at once, and one beyond is closed at once.
 * <p>
 * One Netty event-loop thread (daemon) serves everything; the suppliers are called on it, so they must be safe
 * to call from a thread other than the simulation's (Agrona counters are; a status built from
 * {@link io.nitrosim.simulator.results.TimeSeriesRecorder#latest(int)} is). {@link #start} returns at once;
 * {@link #bound()} completes with the bound address (port 0 picks a free port) or fails with the bind error.
 * {@link #close()} closes the listening socket and stops the thread.
 */
public final class MetricsServer implements AutoCloseable
{
    public static final String METRICS_PATH = "/metrics";
    public static final String STATUS_PATH = "/status";

    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Connection limits.
     *
     * @param requestTimeoutMs time for a whole request to arrive, from the connection's opening or the previous
     *                         response.
     * @param maxConnections   connections open at once.
     */
    public record Limits(long requestTimeoutMs, int maxConnections)
    {
        public static final Limits DEFAULT = new Limits(10_000, 64);

        public Limits
        {
            if (requestTimeoutMs < 1 || requestTimeoutMs > 3_600_000)
            {
                throw new IllegalArgumentException("request timeout " + requestTimeoutMs
                    + " ms out of range, accepted 1..3600000");
            }
            if (maxConnections < 1 || maxConnections > 65_536)
            {
                throw new IllegalArgumentException("max connections " + maxConnections
                    + " out of range, accepted 1..65536");
            }
        }
    }

    private final Supplier<String> metricsText;
    private final Supplier<?> status;
    private final Limits limits;
    private final EventLoopGroup group;
    /** Open connections; read and written only on the one event-loop thread. */
    private int connections;
    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    private volatile Channel serverChannel;
    private boolean closed;

    private MetricsServer(final Supplier<String> metricsText, final Supplier<?> status, final Limits limits)
    {
        this.metricsText = metricsText;
        this.status = status;
        this.limits = limits;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("nitro-sim-http", true),
            NioIoHandler.newFactory());
    }

    /**
     * Starts serving a Prometheus registry.
     *
     * @param port     TCP port on 127.0.0.1, 0 for a free one.
     * @param registry what /metrics scrapes.
     * @param status   what /status serializes (called per request).
     */
    public static MetricsServer start(final int port, final PrometheusMeterRegistry registry, final Supplier<?> status)
    {
        Objects.requireNonNull(registry, "registry");
        return start(port, registry::scrape, status);
    }

    /**
     * Starts serving any Prometheus text.
     *
     * @param port        TCP port on 127.0.0.1, 0 for a free one.
     * @param metricsText the /metrics body (called per request).
     * @param status      what /status serializes (called per request).
     */
    public static MetricsServer start(final int port, final Supplier<String> metricsText, final Supplier<?> status)
    {
        return start(port, metricsText, status, Limits.DEFAULT);
    }

    /** As {@link #start(int, Supplier, Supplier)} with the given connection limits. */
    public static MetricsServer start(
        final int port, final Supplier<String> metricsText, final Supplier<?> status, final Limits limits)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port must be in [0, 65535] (0 = any free port), got " + port);
        }
        final MetricsServer server = new MetricsServer(Objects.requireNonNull(metricsText, "metricsText"),
            Objects.requireNonNull(status, "status"), Objects.requireNonNull(limits, "limits"));
        server.bind(port);
        return server;
    }

    private void bind(final int port)
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(new Handler());
                }
            });
        final ChannelFuture future = bootstrap.bind(new InetSocketAddress(loopback(), port));
        future.addListener((ChannelFutureListener)f ->
        {
            if (f.isSuccess())
            {
                serverChannel = f.channel();
                bound.complete((InetSocketAddress)f.channel().localAddress());
            }
            else
            {
                bound.completeExceptionally(f.cause());
            }
        });
    }

    private static InetAddress loopback()
    {
        try
        {
            return Inet4Address.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex); // a literal 4-byte address is always valid
        }
    }

    /** Completes with the bound address, or exceptionally with the bind failure (e.g. port in use). */
    public CompletableFuture<InetSocketAddress> bound()
    {
        return bound;
    }

    /** The bound port; waits for the bind to finish and throws its failure if it failed. */
    public int port()
    {
        return bound.join().getPort();
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final Channel channel = serverChannel;
        if (channel != null)
        {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bound.completeExceptionally(new IllegalStateException("server closed before it was bound"));
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private ScheduledFuture<?> deadline;

        @Override
        public void channelActive(final ChannelHandlerContext ctx)
        {
            if (++connections > limits.maxConnections())
            {
                ctx.close(); // beyond the bound: closed before anything is read
                return;
            }
            armDeadline(ctx);
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            connections--;
            disarmDeadline();
            ctx.fireChannelInactive();
        }

        private void armDeadline(final ChannelHandlerContext ctx)
        {
            disarmDeadline();
            deadline = ctx.executor().schedule(() ->
            {
                final FullHttpResponse timeout = text(HttpResponseStatus.REQUEST_TIMEOUT,
                    "request timeout: a whole request must arrive within " + limits.requestTimeoutMs() + " ms\n");
                timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
            }, limits.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        }

        private void disarmDeadline()
        {
            if (deadline != null)
            {
                deadline.cancel(false);
                deadline = null;
            }
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            disarmDeadline();
            final FullHttpResponse response;
            final boolean supportedVersion = request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                || request.protocolVersion().equals(HttpVersion.HTTP_1_0);
            if (!request.decoderResult().isSuccess())
            {
                response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
            }
            else if (!supportedVersion)
            {
                response = text(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP version "
                    + request.protocolVersion().text() + " not supported, use HTTP/1.1 or HTTP/1.0\n");
            }
            else
            {
                response = respond(request);
            }
            final boolean keepAlive = supportedVersion && HttpUtil.isKeepAlive(request)
                && request.decoderResult().isSuccess();
            if (keepAlive)
            {
                if (request.protocolVersion() == HttpVersion.HTTP_1_0)
                {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(response);
                armDeadline(ctx);
            }
            else
            {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close(); // a broken client connection; nothing to report to anyone
        }
    }

    private FullHttpResponse respond(final FullHttpRequest request)
    {
        final String path = new QueryStringDecoder(request.uri()).path();
        final boolean known = METRICS_PATH.equals(path) || STATUS_PATH.equals(path);
        if (!known)
        {
            return text(HttpResponseStatus.NOT_FOUND, "not found: " + path + " (try " + METRICS_PATH + " or "
                + STATUS_PATH + ")\n");
        }
        if (!HttpMethod.GET.equals(request.method()))
        {
            final FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method " + request.method() + " not allowed on " + path + ", use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            return response;
        }
        try
        {
            if (METRICS_PATH.equals(path))
            {
                return response(HttpResponseStatus.OK, PrometheusMetrics.CONTENT_TYPE,
                    metricsText.get().getBytes(StandardCharsets.UTF_8));
            }
            return response(HttpResponseStatus.OK, "application/json", JSON.writeValueAsBytes(status.get()));
        }
        catch (final Exception ex)
        {
            return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "error: " + ex + "\n");
        }
    }

    private static FullHttpResponse text(final HttpResponseStatus status, final String body)
    {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String contentType, final byte[] body)
    {
        final FullHttpResponse response =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, body.length);
        return response;
    }
}

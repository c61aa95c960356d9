package io.nitrosim.ec2api.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.protocol.FormDecoder;
import io.nitrosim.ec2api.service.Ec2Service;

/**
 * The EC2 Query endpoint over HTTP/1.1 (Netty): {@code POST /} with a form-encoded body, signed with SigV4.
 * Every refusal is EC2's error XML with its status, never a stack trace: an unparsable request, a method other
 * than POST (405), a body over the limit (413), a malformed form, a bad signature, an unknown action; a request
 * the region does not answer in time is a ServiceUnavailable. Connections beyond the limit get
 * RequestLimitExceeded and are closed; idle connections are closed after the idle timeout.
 */
public final class Ec2HttpServer implements AutoCloseable
{
    /** Limits and timeouts of the endpoint. */
    public record Settings(String bindAddress, int port, int maxBodyBytes, int maxConnections, int idleTimeoutSeconds,
        long requestTimeoutMs)
    {
    }

    private static final String XML_CONTENT_TYPE = "text/xml;charset=UTF-8";

    private final Ec2Service service;
    private final SigV4 sigV4;
    private final Clock clock;
    private final Settings settings;
    private final EventLoopGroup group;
    private final AtomicInteger connections = new AtomicInteger();
    private final Channel serverChannel;

    public Ec2HttpServer(final Ec2Service service, final SigV4 sigV4, final Clock clock, final Settings settings)
        throws InterruptedException
    {
        this.service = service;
        this.sigV4 = sigV4;
        this.clock = clock;
        this.settings = settings;
        this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("nitro-sim-ec2-http", true),
            NioIoHandler.newFactory());
        final ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    ch.pipeline()
                        .addLast(new IdleStateHandler(settings.idleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS))
                        .addLast(new ConnectionLimit())
                        .addLast(new HttpServerCodec(4096, 16 * 1024, 64 * 1024))
                        .addLast(new BoundedAggregator(settings.maxBodyBytes()))
                        .addLast(new RequestHandler());
                }
            });
        try
        {
            serverChannel = bootstrap.bind(new InetSocketAddress(settings.bindAddress(), settings.port())).sync().channel();
        }
        catch (final InterruptedException ex)
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw ex;
        }
        catch (final Exception ex) // Netty rethrows the bind's IOException unchecked
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ListenFailedException(settings.bindAddress(), settings.port(), ex);
        }
    }

    public InetSocketAddress address()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    public int openConnections()
    {
        return connections.get();
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static FullHttpResponse response(final Ec2Service.Response r)
    {
        final byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, XML_CONTENT_TYPE);
        HttpUtil.setContentLength(response, body.length);
        return response;
    }

    private FullHttpResponse error(final Ec2Exception ex)
    {
        return response(service.error(null, ex, UUID.randomUUID().toString()));
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        if (keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        }
        else
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Counts connections; one over the limit is answered RequestLimitExceeded and closed. */
    private final class ConnectionLimit extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelActive(final ChannelHandlerContext ctx) throws Exception
        {
            if (connections.incrementAndGet() > settings.maxConnections())
            {
                // Through the whole pipeline (the HTTP encoder sits after this handler).
                final FullHttpResponse response = error(new Ec2Exception(Ec2Error.REQUEST_LIMIT_EXCEEDED,
                    "Request limit exceeded: " + settings.maxConnections() + " connections are open"));
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            connections.decrementAndGet();
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
        {
            if (evt instanceof IdleStateEvent)
            {
                ctx.close(); // idle, or a request that stopped arriving: no thread waits on it
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /** Aggregates a request's body up to the limit; a larger one is refused with EC2's XML and the connection closed. */
    private final class BoundedAggregator extends HttpObjectAggregator
    {
        /** Longest a refused request's connection stays open, reading and dropping the rest of its body. */
        private static final long LINGER_SECONDS = 2;

        BoundedAggregator(final int maxBodyBytes)
        {
            super(maxBodyBytes);
        }

        /**
         * Answers 413 and closes lingering: the client is usually still sending the body, and closing a socket with
         * unread input sends a reset that can destroy the reply before the client reads it. So the reply is followed
         * by a FIN alone (shutdownOutput), the rest of the body is read and dropped (the aggregator discards an
         * oversized message's content), and the connection closes when the client closes it, or after
         * {@link #LINGER_SECONDS} at most.
         */
        @Override
        protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
        {
            final FullHttpResponse response = error(new Ec2Exception(Ec2Error.REQUEST_ENTITY_TOO_LARGE,
                "The request body is larger than " + settings.maxBodyBytes() + " bytes"));
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(written ->
            {
                if (written.isSuccess() && ctx.channel() instanceof SocketChannel socket)
                {
                    socket.shutdownOutput();
                    ctx.executor().schedule(() -> ctx.close(), LINGER_SECONDS, TimeUnit.SECONDS);
                }
                else
                {
                    ctx.close();
                }
            });
        }
    }

    private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            if (!request.decoderResult().isSuccess())
            {
                send(ctx, error(new Ec2Exception(Ec2Error.INVALID_PARAMETER, "The HTTP request could not be parsed: "
                    + request.decoderResult().cause().getMessage())), false);
                return;
            }
            final boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!HttpMethod.POST.equals(request.method()))
            {
                final FullHttpResponse response = error(new Ec2Exception(Ec2Error.METHOD_NOT_ALLOWED, "Method "
                    + request.method() + " is not allowed: the EC2 Query API takes form-encoded POST requests"));
                response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
                send(ctx, response, keepAlive);
                return;
            }
            final Map<String, String> params;
            try
            {
                final byte[] body = ByteBufUtil.getBytes(request.content());
                final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
                sigV4.check(request.method().name(), uri.rawPath(), uri.rawQuery(),
                    name -> request.headers().get(name), body, clock.instant());
                params = FormDecoder.decode(new String(body, StandardCharsets.ISO_8859_1));
            }
            catch (final Ec2Exception ex)
            {
                send(ctx, error(ex), keepAlive);
                return;
            }
            service.handle(params).orTimeout(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((result, failure) ->
                {
                    if (failure != null)
                    {
                        final Throwable cause = failure.getCause() == null ? failure : failure.getCause();
                        send(ctx, error(cause instanceof TimeoutException ?
                            new Ec2Exception(Ec2Error.SERVICE_UNAVAILABLE, "The region did not answer within "
                                + settings.requestTimeoutMs() + " ms") :
                            new Ec2Exception(Ec2Error.INTERNAL_ERROR, "An internal error has occurred: " + cause)),
                            keepAlive);
                    }
                    else
                    {
                        send(ctx, response(result), keepAlive);
                    }
                }, ctx.executor());
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close(); // a broken connection: there is nobody to answer
        }
    }
}

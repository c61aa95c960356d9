package io.nitrosim.ebs.storage;

import java.nio.ByteOrder;

import org.agrona.concurrent.NanoClock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into {@link StorageProtocol} frames (little-endian u32 length prefix, stripped) and
 * remembers since when a frame has been only partly received, so the session can close a connection that
 * trickles a request in (the request timeout). A length above the maximum frame or below zero is a
 * {@link io.netty.handler.codec.DecoderException} (fail fast: the connection is closed without buffering it).
 */
final class RequestFrameDecoder extends LengthFieldBasedFrameDecoder
{
    static final long NONE = Long.MIN_VALUE;

    private final NanoClock clock;
    private long partialSinceNs = NONE;
    private boolean decodedInRead;

    RequestFrameDecoder(final int maxFrameLength, final NanoClock clock)
    {
        super(ByteOrder.LITTLE_ENDIAN, maxFrameLength, 0, StorageProtocol.LENGTH_PREFIX, 0,
            StorageProtocol.LENGTH_PREFIX, true);
        this.clock = clock;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception
    {
        decodedInRead = false;
        super.channelRead(ctx, msg);
        if (actualReadableBytes() == 0)
        {
            partialSinceNs = NONE;
        }
        else if (partialSinceNs == NONE || decodedInRead)
        {
            partialSinceNs = clock.nanoTime(); // a new frame began in this read
        }
    }

    @Override
    protected Object decode(final ChannelHandlerContext ctx, final ByteBuf in) throws Exception
    {
        final Object frame = super.decode(ctx, in);
        if (frame != null)
        {
            decodedInRead = true;
        }
        return frame;
    }

    /** Since when the current frame has been partly received, or {@link #NONE}. */
    long partialSinceNs()
    {
        return partialSinceNs;
    }

    /** Restarts the clock of a partial frame (reading resumes after the server itself had paused it). */
    void resumed(final long nowNs)
    {
        if (partialSinceNs != NONE)
        {
            partialSinceNs = nowNs;
        }
    }
}

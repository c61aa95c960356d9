package io.nitrosim.nic.bridge;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.netty.buffer.ByteBuf;

/**
 * Copies between Netty's buffers and the bridge's rings without allocating: a reusable {@link UnsafeBuffer}
 * view over the ByteBuf's memory (direct or heap). One per event-loop handler.
 */
final class NettyBytes
{
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /** A view of {@code length} readable bytes of {@code b} from its reader index, or null (a composite buffer). */
    DirectBuffer readable(final ByteBuf b, final int length)
    {
        if (length == 0)
        {
            return null;
        }
        if (b.hasMemoryAddress())
        {
            view.wrap(b.memoryAddress() + b.readerIndex(), length);
            return view;
        }
        if (b.hasArray())
        {
            view.wrap(b.array(), b.arrayOffset() + b.readerIndex(), length);
            return view;
        }
        return null;
    }

    /** A view of {@code length} writable bytes of {@code b} from its writer index (b allocated direct). */
    UnsafeBuffer writable(final ByteBuf b, final int length)
    {
        if (b.hasMemoryAddress())
        {
            view.wrap(b.memoryAddress() + b.writerIndex(), length);
        }
        else
        {
            view.wrap(b.array(), b.arrayOffset() + b.writerIndex(), length);
        }
        return view;
    }

    /** Copies {@code length} bytes from {@code src} at {@code index} into a new buffer of {@code alloc}. */
    ByteBuf copy(final io.netty.buffer.ByteBufAllocator alloc, final DirectBuffer src, final int index, final int length)
    {
        final ByteBuf out = alloc.directBuffer(length);
        writable(out, length).putBytes(0, src, index, length);
        out.writerIndex(out.writerIndex() + length);
        return out;
    }
}

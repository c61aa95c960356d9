package io.nitrosim.nic.ena;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

import io.nitrosim.nic.frame.FrameReceiver;

/** Test receiver: keeps a copy of every frame the driver delivers. */
final class FrameRecorder implements FrameReceiver
{
    record Frame(byte[] bytes, int frameLength, long atNs)
    {
    }

    final List<Frame> frames = new ArrayList<>();

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int capturedLength, final int frameLength,
        final long nowNs)
    {
        final byte[] bytes = new byte[capturedLength];
        buffer.getBytes(offset, bytes);
        frames.add(new Frame(bytes, frameLength, nowNs));
    }
}

package io.nitrosim.nic.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.frame.FrameOutlet;

/**
 * The payload-mode fill: what a sender writes is byte for byte the documented formula, and a receiver counts a
 * frame as corrupted when any byte of it differs.
 */
class StreamPayloadTest
{
    private static final long[] SEQS = {0, 1, 7, 8, 255, 256, 1_000_003, Long.MAX_VALUE / 3, Long.MAX_VALUE};

    @Test
    void shouldWriteTheDocumentedFill()
    {
        for (final int payloadLength : new int[] {StreamPayload.LENGTH, StreamPayload.LENGTH + 1, 1472, 8973})
        {
            for (final long seq : SEQS)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[3 + payloadLength + 3]);
                StreamPayload.fill(buffer, 3, seq, payloadLength);
                for (int p = 0; p < StreamPayload.LENGTH; p++)
                {
                    assertEquals(0, buffer.getByte(3 + p), "the header is left alone");
                }
                for (int p = StreamPayload.LENGTH; p < payloadLength; p++)
                {
                    assertEquals((byte)(seq * 31 + p), buffer.getByte(3 + p), "seq " + seq + " position " + p);
                }
                assertEquals(0, buffer.getByte(3 + payloadLength), "nothing written past the payload");
                assertTrue(StreamPayload.hasFill(buffer, 3, seq, payloadLength));
            }
        }
    }

    @Test
    void shouldNotFindTheFillWhenOneByteDiffers()
    {
        final int payloadLength = 8973;
        for (final MutableDirectBuffer buffer : new MutableDirectBuffer[] {
            new UnsafeBuffer(new byte[payloadLength]), new UnsafeBuffer(ByteBuffer.allocateDirect(payloadLength))})
        {
            for (final long seq : SEQS)
            {
                StreamPayload.fill(buffer, 0, seq, payloadLength);
                assertFalse(StreamPayload.hasFill(buffer, 0, seq + 1, payloadLength), "another segment's fill");
                for (final int p : new int[] {StreamPayload.LENGTH, 40, 4000, payloadLength - 8, payloadLength - 1})
                {
                    buffer.putByte(p, (byte)(buffer.getByte(p) + 1));
                    assertFalse(StreamPayload.hasFill(buffer, 0, seq, payloadLength), "seq " + seq + " position " + p);
                    buffer.putByte(p, (byte)(buffer.getByte(p) - 1));
                    assertTrue(StreamPayload.hasFill(buffer, 0, seq, payloadLength));
                }
            }
        }
        assertFalse(StreamPayload.hasFill(new UnsafeBuffer(new byte[20_000]), 0, 0, 19_000),
            "no frame carries that much payload");
    }

    @Test
    void shouldCountEveryFrameWithAChangedByteAsCorrupted()
    {
        final StreamSpec spec = StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(9001).payloadMode(true)
            .window(0, Long.MAX_VALUE).build();
        final Slots outlet = new Slots(spec.frameLength(), 4);
        final TrafficStream sender = new TrafficStream(3, spec, outlet, null, 0x0200_0000_0001L, 0x0a00_0001,
            0x0200_0000_0002L, 0x0a00_0002, 40000, 5201);
        final StreamReceiver receiver = new StreamReceiver(3, spec, null, 0x0200_0000_0002L, 0x0a00_0002);
        assertEquals(4, sender.doWork(1_000));
        outlet.buffer.putByte(spec.frameLength() + 100, (byte)~outlet.buffer.getByte(spec.frameLength() + 100));
        outlet.buffer.putByte(4 * spec.frameLength() - 1, (byte)~outlet.buffer.getByte(4 * spec.frameLength() - 1));
        for (int i = 0; i < 4; i++)
        {
            receiver.onFrame(outlet.buffer, i * spec.frameLength(), spec.frameLength(), spec.frameLength(), 2_000);
        }
        assertEquals(4, receiver.framesReceived());
        assertEquals(2, receiver.corrupted(), "frames 1 and 3");
        assertEquals(0, receiver.gaps());
    }

    /** An outlet of fixed slots, one frame each, filled once. */
    private static final class Slots implements FrameOutlet
    {
        final MutableDirectBuffer buffer;
        final int slotBytes;
        final int slots;
        int next;

        Slots(final int slotBytes, final int slots)
        {
            this.buffer = new UnsafeBuffer(new byte[slotBytes * slots]);
            this.slotBytes = slotBytes;
            this.slots = slots;
        }

        @Override
        public int tryClaim(final int capturedLength, final int frameLength)
        {
            return next < slots ? next * slotBytes : -1;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            return buffer;
        }

        @Override
        public void commit(final int index)
        {
            next++;
        }

        @Override
        public boolean hasRoom()
        {
            return next < slots;
        }
    }
}

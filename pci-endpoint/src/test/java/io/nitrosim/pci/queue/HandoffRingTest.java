package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.ControlledMessageHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class HandoffRingTest
{
    private static final class Taker implements HandoffRing.Handler
    {
        final List<String> taken = new ArrayList<>();
        int acceptUpTo = Integer.MAX_VALUE;

        @Override
        public Action onRecord(final HandoffRecord record)
        {
            if (taken.size() >= acceptUpTo)
            {
                return Action.ABORT;
            }
            final byte[] payload = new byte[record.payloadLength()];
            record.buffer().getBytes(record.payloadIndex(), payload);
            taken.add(record.id() + "/" + record.generation() + "/" + record.status() + "/" + record.length() + "/"
                + new String(payload, java.nio.charset.StandardCharsets.US_ASCII));
            return Action.CONTINUE;
        }
    }

    @Test
    void shouldHandRecordsOverInOrderAndKeepAnAbortedOneAtTheHead()
    {
        final HandoffRing ring = new HandoffRing(HandoffRing.capacityFor(HandoffLayout.COMPLETION, 4, 16), HandoffLayout.COMPLETION);
        final UnsafeBuffer data = new UnsafeBuffer("abcdefgh".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(ring.isEmpty());
        assertTrue(ring.offer(7, 2, 0, 1514, data, 0, 3));
        assertTrue(ring.offer(8, 2, 5, 8, data, 3, 5));
        assertFalse(ring.isEmpty());
        final Taker taker = new Taker();
        taker.acceptUpTo = 1;
        assertEquals(1, ring.drain(taker, 10));
        assertEquals(List.of("7/2/0/1514/abc"), taker.taken);
        taker.acceptUpTo = Integer.MAX_VALUE;
        assertEquals(1, ring.drain(taker, 10));
        assertEquals(List.of("7/2/0/1514/abc", "8/2/5/8/defgh"), taker.taken);
        assertTrue(ring.isEmpty());
    }

    @Test
    void shouldWakeTheFunctionOnEveryRecordAndTheCardOnEveryDrainThatTookOne()
    {
        final HandoffRing ring = new HandoffRing(4096, HandoffLayout.COMPLETION);
        final int[] functionWakes = new int[1];
        final int[] cardWakes = new int[1];
        ring.wakeConsumer(() -> functionWakes[0]++);
        ring.wakeProducer(() -> cardWakes[0]++);
        final UnsafeBuffer data = new UnsafeBuffer(new byte[8]);
        assertTrue(ring.offer(1, 0, 0, 8, data, 0, 8));
        assertTrue(ring.offer(2, 0, 0, 8, data, 0, 8));
        assertEquals(2, functionWakes[0]);
        final Taker taker = new Taker();
        taker.acceptUpTo = 0;
        assertEquals(0, ring.drain(taker, 10));
        assertEquals(0, cardWakes[0], "nothing taken: no room made");
        taker.acceptUpTo = Integer.MAX_VALUE;
        assertEquals(2, ring.drain(taker, 10));
        assertEquals(1, cardWakes[0], "one wake per drain that took records");
    }

    @Test
    void shouldRefuseWhenFullAndAcceptACopyOfAKeptRecordLater()
    {
        final HandoffRing ring = new HandoffRing(4096, HandoffLayout.COMPLETION);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[200]);
        int offered = 0;
        while (ring.offer(offered, 0, 0, 200, big, 0, 200))
        {
            offered++;
        }
        assertEquals(18, offered, "4096 B hold eighteen 224-byte records (8 + 16 header bytes + 200)");
        final String text = "k".repeat(48); // 72 B with both headers: more than the 64 B left
        final UnsafeBuffer kept = new UnsafeBuffer(new byte[HandoffLayout.COMPLETION.headerBytes() + text.length()]);
        final HandoffRecord record = new HandoffRecord().wrap(kept, 0, kept.capacity(), HandoffLayout.COMPLETION).set(99, 1, 3, 48)
            .payload(new UnsafeBuffer(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 0, 48);
        assertFalse(ring.offer(record));
        final Taker taker = new Taker();
        assertEquals(18, ring.drain(taker, 100));
        assertTrue(ring.offer(record));
        assertEquals(1, ring.drain(taker, 10) + ring.drain(taker, 10), "a drain stops at the buffer's end");
        assertEquals("99/1/3/48/" + text, taker.taken.get(18));
        assertTrue(ring.maxPayloadBytes() > 0);
    }

    @Test
    void shouldCarryFramesWithAFourByteHeader()
    {
        final HandoffRing ring = new HandoffRing(HandoffRing.capacityFor(HandoffLayout.FRAME, 16, 128),
            HandoffLayout.FRAME);
        final UnsafeBuffer frame = new UnsafeBuffer("headers".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(ring.offer(9015, frame, 0, 7));
        final List<String> seen = new ArrayList<>();
        assertEquals(1, ring.drain(record ->
        {
            seen.add(record.length() + "/" + record.payloadLength() + "/" + (record.payloadIndex() - record.index()));
            return Action.CONTINUE;
        }, 10));
        assertEquals(List.of("9015/7/4"), seen, "full length 9015, 7 bytes carried after a 4-byte header");
        assertEquals(4096, HandoffRing.capacityFor(HandoffLayout.FRAME, 16, 128), "16 x 144 B rounded up to 4 KiB");
        assertEquals(65_536, HandoffRing.capacityFor(HandoffLayout.FRAME, 256, 128));
    }
}

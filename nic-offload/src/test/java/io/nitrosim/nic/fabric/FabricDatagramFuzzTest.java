package io.nitrosim.nic.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.nitrosim.shaping.ShapedRecordHandler;
import io.nitrosim.shaping.ShapedRing;

/**
 * Fuzzes the fabric's datagram decoder. Input: byte 0 bit 0 says whether the rest is signed with the simulation's
 * key (so the fuzzer also reaches what lies behind the authentication), the rest is the datagram before its tag.
 * <p>
 * Invariants: no exception; exactly one outcome counter moves, by one; an unsigned datagram is never accepted;
 * the received-bytes counter moves by exactly the datagram's length when it is authentic, else not at all; a
 * delivered record is charged with the bytes it carries. Regression inputs: {@code FabricDatagramFuzzTestInputs}
 * in the test resources (run by the default suite); {@code -Pfuzz} fuzzes.
 */
class FabricDatagramFuzzTest
{
    private static final FabricKey KEY = FabricKey.fromHex("000102030405060708090a0b0c0d0e0f"
        + "101112131415161718191a1b1c1d1e1f");
    private final ShapedRing ring = ShapedRing.builder("fabric-in").capacityBytes(1 << 20).manyProducers(true).build();
    private final Int2ObjectHashMap<ShapedRing> hosts = new Int2ObjectHashMap<>();
    private final FabricDatagramDecoder decoder;
    private final FabricAuthenticator signer = new FabricAuthenticator(KEY);
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[FabricDatagramDecoder.MAX_DATAGRAM_LENGTH + 1]);
    private final ByteBuffer signing = ByteBuffer.wrap(view.byteArray());
    private final long[] delivered = new long[2]; // records, bytes carried
    private final ShapedRecordHandler drain = (tag, buffer, index, length, charged, readyAt, now) ->
    {
        assertEquals(length, charged, "charged the bytes carried");
        delivered[0]++;
        delivered[1] += length;
        return true;
    };

    FabricDatagramFuzzTest()
    {
        hosts.put(2, ring);
        decoder = new FabricDatagramDecoder(KEY, hosts);
    }

    @FuzzTest(maxDuration = "10m")
    void shouldDeliverOrCountEveryDatagram(final byte[] input)
    {
        if (input.length == 0)
        {
            return;
        }
        final boolean sign = (input[0] & 1) != 0;
        final int body = Math.min(input.length - 1, FabricDatagramDecoder.MAX_DATAGRAM_LENGTH - 15);
        view.putBytes(0, input, 1, body);
        final int length;
        if (sign && body + FabricAuthenticator.TAG_LENGTH <= view.capacity())
        {
            signer.sign(signing.clear(), 0, body);
            length = body + FabricAuthenticator.TAG_LENGTH;
        }
        else
        {
            length = body;
        }
        final long[] before = counters();
        final long deliveredBefore = delivered[0];
        final int outcome = decoder.onDatagram(view, length, 0);
        for (int polls = 0; polls < 3 && !ring.isEmpty(); polls++)
        {
            ring.poll(drain, Integer.MAX_VALUE, Long.MAX_VALUE); // a read stops at the buffer's end: read again
        }
        final long[] after = counters();
        int moved = 0;
        for (int i = 0; i < 5; i++)
        {
            assertTrue(after[i] - before[i] == 0 || after[i] - before[i] == 1, "counter " + i);
            moved += (int)(after[i] - before[i]);
        }
        assertEquals(1, moved, "exactly one outcome counted");
        final boolean authentic = outcome != FabricDatagramDecoder.UNAUTHENTICATED;
        assertTrue(sign || !authentic, "an unsigned datagram was accepted");
        assertEquals(authentic ? length : 0, after[5] - before[5], "received bytes: what arrived");
        assertEquals(outcome == FabricDatagramDecoder.DELIVERED ? 1 : 0, delivered[0] - deliveredBefore);
    }

    private long[] counters()
    {
        return new long[] {delivered[0], decoder.unauthenticated.get(), decoder.malformed.get(), decoder.unroutable.get(), decoder.inboundFull.get(),
            decoder.receivedBytes.get()};
    }
}

package io.nitrosim.nic.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.time.RealTimeRuntime;

/** Fabric datagrams are authenticated before anything is counted, and counters count what arrived. */
class FabricAuthenticationTest
{
    private static final int CAPTURED = 64;

    @TempDir
    Path dir;

    /** An encapsulated truncated frame for host 2 claiming {@code innerLength}, signed with {@code key} (or not). */
    static byte[] datagram(final byte[] key, final int innerLength, final boolean truncated, final int captured)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(EncapHeader.LENGTH + captured + FabricAuthenticator.TAG_LENGTH);
        new EncapHeader().wrapForWrite(new UnsafeBuffer(bytes), 0).write(77, 1, 2, 10, 20, innerLength, 3, truncated);
        for (int i = 0; i < captured; i++)
        {
            bytes.put(EncapHeader.LENGTH + i, (byte)i);
        }
        if (key != null)
        {
            new FabricAuthenticator(key).sign(bytes, 0, EncapHeader.LENGTH + captured);
        }
        return bytes.array();
    }

    @Test
    void shouldComputeTheTruncatedHmacOfRfc4231TestCase5()
    {
        // RFC 4231 section 4.6: key 0x0c x 20, data "Test With Truncation", HMAC-SHA-256 truncated to 128 bits.
        final byte[] key = new byte[20];
        Arrays.fill(key, (byte)0x0c);
        final byte[] data = "Test With Truncation".getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer buffer = ByteBuffer.allocate(data.length + FabricAuthenticator.TAG_LENGTH).put(data);
        new FabricAuthenticator(key).sign(buffer, 0, data.length);
        assertEquals("a3b6167473100ee06e0c796c2955552b", HexFormat.of().formatHex(buffer.array(), data.length,
            data.length + FabricAuthenticator.TAG_LENGTH));
        assertTrue(new FabricAuthenticator(key).verify(buffer.array(), buffer.capacity()));
    }

    @Test
    void shouldDropForgedAndTamperedDatagramsBeforeCountingThem() throws Exception
    {
        final FabricKey key = FabricKey.generate();
        final ShapedRing ring = ShapedRing.builder("fabric-in").capacityBytes(1 << 20).manyProducers(true).build();
        try (RealTimeRuntime runtime = new RealTimeRuntime();
            UdpFabricTransport transport = UdpFabricTransport.builder().localHostId(2).clock(runtime.clock()).key(key)
                .localHost(2, ring).bind(new InetSocketAddress("127.0.0.1", 0)).build();
            DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            final byte[] genuine = datagram(key.bytes(), 1514, true, CAPTURED);
            final byte[] unsigned = datagram(null, 1514, true, CAPTURED);
            final byte[] otherKey = datagram(FabricKey.generate().bytes(), 1514, true, CAPTURED);
            final byte[] tampered = genuine.clone();
            tampered[EncapHeader.DST_ENI_OFFSET + 3] ^= 1; // another ENI, same tag
            final byte[] tooShort = Arrays.copyOf(genuine, 10);
            for (final byte[] d : new byte[][] {unsigned, otherKey, tampered, tooShort, genuine})
            {
                sender.send(new DatagramPacket(d, d.length, transport.localAddress()));
            }
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (transport.unauthenticatedDropped() + transport.datagramsReceived() < 5 && System.nanoTime() < deadline)
            {
                Thread.sleep(5);
            }
            assertEquals(4, transport.unauthenticatedDropped());
            assertEquals(1, transport.datagramsReceived());
            assertEquals(genuine.length, transport.bytesReceived());
            assertEquals(0, transport.malformedDropped() + transport.unroutableDropped() + transport.inboundFullDropped());
            final int[] records = {0};
            ring.poll((tag, buffer, index, length, charged, readyAt, now) ->
            {
                records[0]++;
                assertEquals(EncapHeader.LENGTH + CAPTURED, length);
                assertEquals(EncapHeader.LENGTH + CAPTURED, charged);
                return true;
            }, 10, Long.MAX_VALUE);
            assertEquals(1, records[0], "only the genuine datagram reached the card's ring");
        }
    }

    @Test
    void shouldCountWhatArrivedNotTheLengthTheSenderClaims()
    {
        final FabricKey key = FabricKey.generate();
        final ShapedRing ring = ShapedRing.builder("fabric-in").capacityBytes(1 << 20).manyProducers(true).build();
        final Int2ObjectHashMap<ShapedRing> hosts = new Int2ObjectHashMap<>();
        hosts.put(2, ring);
        final FabricDatagramDecoder decoder = new FabricDatagramDecoder(key, hosts);
        final UnsafeBuffer view = new UnsafeBuffer(new byte[FabricDatagramDecoder.MAX_DATAGRAM_LENGTH + 1]);
        long arrived = 0;
        for (final int claimed : new int[] {Integer.MAX_VALUE, -1, -24_600_000, 9_016, CAPTURED - 1})
        {
            final byte[] d = datagram(key.bytes(), claimed, true, CAPTURED);
            view.putBytes(0, d);
            assertEquals(FabricDatagramDecoder.MALFORMED, decoder.onDatagram(view, d.length, 0), "claimed " + claimed);
            arrived += d.length;
        }
        final byte[] untruncated = datagram(key.bytes(), CAPTURED + 1, false, CAPTURED);
        view.putBytes(0, untruncated);
        assertEquals(FabricDatagramDecoder.MALFORMED, decoder.onDatagram(view, untruncated.length, 0));
        arrived += untruncated.length;
        assertEquals(6, decoder.malformed.get());
        assertEquals(arrived, decoder.receivedBytes.get(), "the bytes that arrived");
        assertEquals(0, ring.sizeBytes(), "nothing entered the ring");

        final byte[] fine = datagram(key.bytes(), 9_015, true, CAPTURED); // the longest frame, truncated
        view.putBytes(0, fine);
        assertEquals(FabricDatagramDecoder.DELIVERED, decoder.onDatagram(view, fine.length, 0));
        assertEquals(arrived + fine.length, decoder.receivedBytes.get());
        ring.poll((tag, buffer, index, length, charged, readyAt, now) ->
        {
            assertEquals(EncapHeader.LENGTH + CAPTURED, charged);
            return true;
        }, 10, Long.MAX_VALUE);
        assertEquals(EncapHeader.LENGTH + CAPTURED, ring.admittedBytes());
    }

    @Test
    void shouldShareTheKeyThroughAnOwnerOnlyFile() throws Exception
    {
        final FabricKey key = FabricKey.generate();
        final Path file = dir.resolve("fabric.key");
        key.writeTo(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(key.bytes(), FabricKey.readFrom(file).bytes());
        assertTrue(Files.readString(file).matches("[0-9a-f]{64}\n"));
        assertThrows(java.io.UncheckedIOException.class, () -> FabricKey.generate().writeTo(file), "never overwritten");
        assertEquals("FabricKey[32 bytes, redacted]", key.toString());
        assertEquals("fabric key has 3 characters: accepted 64 hex digits",
            assertThrows(IllegalArgumentException.class, () -> FabricKey.fromHex("abc")).getMessage());
    }
}

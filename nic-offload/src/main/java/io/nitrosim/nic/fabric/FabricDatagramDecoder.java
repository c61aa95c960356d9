package io.nitrosim.nic.fabric;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.nic.frame.EncapHeader;
import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.shaping.ShapedRing;

/**
 * Turns one received fabric datagram into a record in the destination card's fabric ring, or a counted drop.
 * Socket-free, so the same code runs under the UDP transport and under the fuzzer.
 * <p>
 * Order of checks, each a counted drop: the HMAC tag ({@link FabricAuthenticator}), before anything else is counted
 * or read; then the encapsulation header (version, header length) and the inner length against what arrived (equal
 * to the captured bytes, or for a truncated frame between them and the longest Ethernet frame); then the
 * destination host (one served here); then room in its ring. Counters count what arrived: the datagram's bytes,
 * and the record enters the ring charged with the bytes it carries (header + captured frame), never with the
 * length the sender claims. Not thread-safe: one receiving thread; the counters may be read from any thread.
 */
final class FabricDatagramDecoder
{
    /** Outcomes of {@link #onDatagram}. */
    static final int DELIVERED = 0;
    static final int UNAUTHENTICATED = 1;
    static final int MALFORMED = 2;
    static final int UNROUTABLE = 3;
    static final int INBOUND_FULL = 4;

    /** Largest record a datagram may carry: header + the longest Ethernet frame. */
    static final int MAX_RECORD_LENGTH = EncapHeader.LENGTH + EthernetFrame.MAX_FRAME_LENGTH;
    static final int MAX_DATAGRAM_LENGTH = MAX_RECORD_LENGTH + FabricAuthenticator.TAG_LENGTH;

    private final FabricAuthenticator authenticator;
    private final Int2ObjectHashMap<ShapedRing> localHosts;
    private final EncapHeader encap = new EncapHeader();
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final AtomicLong unauthenticated = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong unroutable = new AtomicLong();
    final AtomicLong inboundFull = new AtomicLong();

    FabricDatagramDecoder(final FabricKey key, final Int2ObjectHashMap<ShapedRing> localHosts)
    {
        this.authenticator = new FabricAuthenticator(key);
        this.localHosts = localHosts;
    }

    /**
     * @param datagram {@code length} received bytes at index 0 of a buffer over a byte array.
     * @return one of the outcome constants.
     */
    int onDatagram(final UnsafeBuffer datagram, final int length, final long nowNs)
    {
        final byte[] bytes = datagram.byteArray();
        if (length > MAX_DATAGRAM_LENGTH || length > bytes.length || !authenticator.verify(bytes, length))
        {
            unauthenticated.incrementAndGet();
            return UNAUTHENTICATED;
        }
        received.incrementAndGet();
        receivedBytes.addAndGet(length);
        final int recordLength = length - FabricAuthenticator.TAG_LENGTH;
        encap.wrap(datagram, 0);
        if (!encap.isValid(recordLength) || !innerLengthFits(recordLength - EncapHeader.LENGTH))
        {
            malformed.incrementAndGet();
            return MALFORMED;
        }
        final ShapedRing ring = localHosts.get(encap.dstHostId());
        if (ring == null)
        {
            unroutable.incrementAndGet();
            return UNROUTABLE;
        }
        final int index = ring.tryClaim(nowNs, recordLength, 0, recordLength);
        if (index < 0)
        {
            inboundFull.incrementAndGet(); // a full receiver drops, as a real network would
            return INBOUND_FULL;
        }
        ring.buffer().putBytes(index, datagram, 0, recordLength);
        ring.commit(index);
        return DELIVERED;
    }

    private boolean innerLengthFits(final int captured)
    {
        final int inner = encap.innerLength();
        return encap.isTruncated()
            ? inner >= captured && inner <= EthernetFrame.MAX_FRAME_LENGTH
            : inner == captured;
    }
}

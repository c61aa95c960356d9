package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.frame.EthernetFrame;
import io.nitrosim.nic.shaping.EniCounters;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.vpc.Ipv4;
import io.nitrosim.pci.RecordingMsiSink;
import io.nitrosim.nic.shaping.EniMeter;

/** TX and RX through two ENA functions, their drivers and the VPC cards (virtual time). */
class EnaDataPathTest
{
    /** A UDP frame from {@code from} to {@code to} whose payload byte i is {@code (seed + i)}. */
    static byte[] udpFrame(final EnaBed.Guest from, final EnaBed.Guest to, final int srcPort, final int payloadLength,
        final int seed)
    {
        return udpFrame(from, to.port.eni().mac(), to.port.eni().primaryIp(), srcPort, payloadLength, seed);
    }

    static byte[] udpFrame(final EnaBed.Guest from, final long dstMac, final int dstIp, final int srcPort,
        final int payloadLength, final int seed)
    {
        final int length = EthernetFrame.frameLengthFor(EthernetFrame.PROTO_UDP, payloadLength);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        final EthernetFrame frame = new EthernetFrame().wrapForWrite(buffer, 0, length);
        frame.writeHeaders(dstMac, from.port.eni().mac(), from.port.eni().primaryIp(), dstIp, EthernetFrame.PROTO_UDP,
            srcPort, 7000, payloadLength, seed);
        for (int i = 0; i < payloadLength; i++)
        {
            buffer.putByte(frame.payloadOffset() + i, (byte)(seed + i));
        }
        return buffer.byteArray();
    }

    /** Sends every frame (waiting for ring room), ringing the doorbell after each batch. */
    /**
     * The frame as it arrives: the sending device's TX checksum offload filled the UDP checksum (RFC 768: the one's
     * complement of the one's complement sum of the pseudo-header and the datagram, 0 sent as 0xFFFF), computed here
     * the plain way, 16 bits at a time.
     */
    static byte[] withUdpChecksum(final byte[] frame)
    {
        final byte[] f = frame.clone();
        f[40] = 0;
        f[41] = 0;
        final int udpLength = f.length - 34;
        long sum = 17 + udpLength;
        for (int i = 26; i < 34; i += 2)
        {
            sum += ((f[i] & 0xFF) << 8) | (f[i + 1] & 0xFF);
        }
        for (int i = 34; i < f.length; i += 2)
        {
            sum += ((f[i] & 0xFF) << 8) | (i + 1 < f.length ? f[i + 1] & 0xFF : 0);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int checksum = (int)(~sum & 0xFFFF);
        if (checksum == 0)
        {
            checksum = 0xFFFF;
        }
        f[40] = (byte)(checksum >>> 8);
        f[41] = (byte)checksum;
        return f;
    }

    static void sendAll(final EnaBed bed, final EnaBed.Guest from, final int pair, final byte[]... frames)
    {
        int next = 0;
        for (int rounds = 0; next < frames.length && rounds < 10_000; rounds++)
        {
            while (next < frames.length)
            {
                final byte[] f = frames[next];
                if (!from.driver.transmit(pair, new UnsafeBuffer(f), 0, f.length, f.length))
                {
                    break;
                }
                next++;
            }
            from.driver.flushTx();
            bed.runFor(1_000);
        }
        assertEquals(frames.length, next, "frames not accepted by the TX ring");
    }

    @Test
    void shouldCarryPayloadFramesBetweenTwoEnisByteForByte()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2).up();
            final byte[][] frames = new byte[50][];
            for (int i = 0; i < frames.length; i++)
            {
                frames[i] = udpFrame(a, b, 40000, 100 + 20 * i, i);
            }
            sendAll(bed, a, 0, frames);
            bed.runFor(EnaBed.MS);
            assertEquals(frames.length, b.received.frames.size());
            for (int i = 0; i < frames.length; i++)
            {
                assertArrayEquals(withUdpChecksum(frames[i]), b.received.frames.get(i).bytes(), "frame " + i);
                assertEquals(frames[i].length, b.received.frames.get(i).frameLength());
            }
            assertEquals(frames.length, a.driver.txCompletions(0));
            assertEquals(0, a.driver.txErrors());
            assertEquals(frames.length, a.device.txFrames());
            assertEquals(frames.length, b.device.rxFrames());
            assertEquals(frames.length, b.port.counters().get(EniMeter.RX_FRAMES));
            assertEquals(0, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
        }
    }

    @Test
    void shouldSendAndReceiveFramesSpanningSeveralDescriptors()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20, d -> { },
                d -> d.mtu(9001).bufferBytes(2048, 2048), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2, 16 << 20, d -> { },
                d -> d.mtu(9001).bufferBytes(2048, 2048), false).up();
            final byte[] jumbo = udpFrame(a, b, 40000, EthernetFrame.maxPayloadForMtu(EthernetFrame.PROTO_UDP, 9001), 7);
            final byte[] small = udpFrame(a, b, 40000, 1000, 8);
            assertEquals(9015, jumbo.length);
            sendAll(bed, a, 0, jumbo, small);
            bed.runFor(EnaBed.MS);
            assertEquals(2, a.driver.txFrames(0));
            assertEquals(5 + 1, a.driver.txDescriptors(0));
            assertEquals(2, a.driver.txCompletions(0));
            assertEquals(2, b.received.frames.size());
            assertArrayEquals(withUdpChecksum(jumbo), b.received.frames.get(0).bytes());
            assertArrayEquals(withUdpChecksum(small), b.received.frames.get(1).bytes());
            assertEquals(5 + 1, b.driver.rxCompletions(0));
        }
    }

    @Test
    void shouldWrapPhaseBitsOfSmallRingsWithoutLosingAFrame()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20, d -> { },
                d -> d.depths(16, 16), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2, 16 << 20, d -> { },
                d -> d.depths(16, 16), false).up();
            final byte[][] frames = new byte[100][];
            for (int i = 0; i < frames.length; i++)
            {
                frames[i] = udpFrame(a, b, 40000, 64, i);
            }
            sendAll(bed, a, 0, frames);
            bed.runFor(EnaBed.MS);
            assertEquals(100, a.driver.txCompletions(0));
            assertEquals(100, b.driver.rxCompletions(0));
            assertEquals(100, b.received.frames.size());
            for (int i = 0; i < frames.length; i++)
            {
                assertArrayEquals(withUdpChecksum(frames[i]), b.received.frames.get(i).bytes(), "frame " + i);
            }
            assertEquals(0, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
        }
    }

    @Test
    void shouldReturnTheFiveEniAllowanceCountersInEnaOrder()
    {
        // 100 Mbit/s out: a burst of 1514 B frames has to wait for the allowance (bw_out_allowance_exceeded);
        // 1100 link-local frames at once overrun the 1024-packet bucket by 76 (linklocal_allowance_exceeded).
        final NetworkInstanceCaps slow = new NetworkInstanceCaps(12_500_000L, 12_500_000L, 0, 10, 3);
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", slow, 1).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2).up();
            final byte[] linkLocal = udpFrame(a, 0x02_00_00_00_00_01L, Ipv4.parse("169.254.169.254"), 40001, 64, 0);
            final byte[][] linkLocalFrames = new byte[1100][];
            java.util.Arrays.fill(linkLocalFrames, linkLocal);
            sendAll(bed, a, 0, linkLocalFrames);
            final byte[][] data = new byte[200][];
            for (int i = 0; i < data.length; i++)
            {
                data[i] = udpFrame(a, b, 40000, 1472, i);
            }
            sendAll(bed, a, 0, data);
            bed.runFor(100 * EnaBed.MS);
            assertEquals(200, b.received.frames.size(), "queued by the allowance, never dropped");

            assertTrue(a.driver.requestEniStats());
            bed.runFor(10_000);
            assertEquals(EnaAdmin.SUCCESS, a.driver.adminResultStatus());
            final EniCounters counters = a.port.counters();
            for (int i = 0; i < EnaAdmin.ENI_STATS_COUNT; i++)
            {
                assertEquals(counters.enaStat(i), a.driver.eniStat(i), EniMeter.ENA_ENI_STATS.get(i).meterName());
            }
            assertEquals(0, a.driver.eniStat(0));
            assertTrue(a.driver.eniStat(1) > 0, "bw_out_allowance_exceeded");
            assertEquals(counters.get(EniMeter.BW_OUT_ALLOWANCE_EXCEEDED), a.driver.eniStat(1));
            assertEquals(0, a.driver.eniStat(2));
            assertEquals(0, a.driver.eniStat(3));
            assertEquals(76, a.driver.eniStat(4));
        }
    }

    @Test
    void shouldHoldFramesInTheGuestRingWhileTheAllowanceIsExhaustedAndDropNone()
    {
        final NetworkInstanceCaps slow = new NetworkInstanceCaps(12_500_000L, 12_500_000L, 0, 10, 3);
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", slow, 1, 16 << 20, d -> d.txQueueDepthFrames(8),
                d -> d.depths(16, 256), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2).up();
            int accepted = 0;
            int refused = 0;
            final byte[] frame = udpFrame(a, b, 40000, 1472, 1);
            for (int i = 0; i < 40; i++)
            {
                if (a.driver.transmit(0, new UnsafeBuffer(frame), 0, frame.length, frame.length))
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
            a.driver.flushTx();
            assertEquals(16, accepted, "the guest ring holds 16");
            assertEquals(24, refused);
            bed.runFor(10_000);
            assertTrue(a.device.txBlocked() > 0, "the card queue (8 frames) filled and stopped the SQ");
            bed.runFor(100 * EnaBed.MS);
            assertEquals(16, b.received.frames.size());
            assertEquals(0, a.driver.txErrors());
            assertEquals(0, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
        }
    }

    @Test
    void shouldMoveOnlyHeadersInTimingOnlyMode()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 16 << 20,
                d -> d.timingOnly(true), d -> d.timingOnly(true).mtu(9001), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2, 16 << 20,
                d -> d.timingOnly(true), d -> d.timingOnly(true).mtu(9001), false).up();
            final byte[] jumbo = udpFrame(a, b, 40000, EthernetFrame.maxPayloadForMtu(EthernetFrame.PROTO_UDP, 9001), 3);
            final long readBefore = a.device.dma().readBytesCount();
            final long writtenBefore = b.device.dma().writtenBytesCount();
            sendAll(bed, a, 0, jumbo);
            bed.runFor(EnaBed.MS);
            assertEquals(1, b.received.frames.size());
            final FrameRecorder.Frame got = b.received.frames.get(0);
            assertEquals(9015, got.frameLength());
            assertEquals(EnaFunction.TIMING_ONLY_CAPTURE_BYTES, got.bytes().length);
            assertArrayEquals(java.util.Arrays.copyOf(jumbo, EnaFunction.TIMING_ONLY_CAPTURE_BYTES), got.bytes());
            // device A read: one TX descriptor (16) + 128 frame bytes; device B wrote 128 frame bytes + one
            // 16-byte RX completion (descriptor reads on B's side are reads, not writes)
            assertEquals(TxDescriptor.LENGTH + EnaFunction.TIMING_ONLY_CAPTURE_BYTES,
                a.device.dma().readBytesCount() - readBefore);
            assertEquals(EnaFunction.TIMING_ONLY_CAPTURE_BYTES + RxCompletion.LENGTH,
                b.device.dma().writtenBytesCount() - writtenBefore);
        }
    }

    @Test
    void shouldRaiseOneMsixVectorPerQueuePair()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = bed.guest("i-a", NetworkInstanceCaps.C5_LARGE, 1, 32 << 20, d -> { },
                d -> d.queuePairs(2), false).up();
            final EnaBed.Guest b = bed.guest("i-b", NetworkInstanceCaps.C5_LARGE, 2, 32 << 20, d -> { },
                d -> d.queuePairs(2), false).up();
            assertTrue(a.msi.countVector(EnaBed.FIRST_VECTOR) > 0, "admin/AENQ vector");
            assertEquals(0, a.msi.countVector(EnaBed.FIRST_VECTOR + 1));
            a.msi.clear();
            b.msi.clear();
            for (int pair = 0; pair < 2; pair++)
            {
                final byte[][] frames = new byte[16][];
                for (int i = 0; i < frames.length; i++)
                {
                    frames[i] = udpFrame(a, b, 40000 + i, 200, i); // 16 flows: RSS spreads them over B's queues
                }
                sendAll(bed, a, pair, frames);
            }
            bed.runFor(EnaBed.MS);
            assertEquals(16, a.driver.txCompletions(0));
            assertEquals(16, a.driver.txCompletions(1));
            assertTrue(a.msi.countVector(EnaBed.FIRST_VECTOR + 1) > 0, "TX completions of pair 0");
            assertTrue(a.msi.countVector(EnaBed.FIRST_VECTOR + 2) > 0, "TX completions of pair 1");
            assertEquals(a.msi.count(), a.msi.countVector(EnaBed.FIRST_VECTOR + 1)
                + a.msi.countVector(EnaBed.FIRST_VECTOR + 2), "only IO vectors while sending");
            assertEquals(32, b.driver.rxFrames(0) + b.driver.rxFrames(1));
            assertTrue(b.driver.rxFrames(0) > 0 && b.driver.rxFrames(1) > 0, "RSS uses both RX queues");
            assertTrue(b.msi.countVector(EnaBed.FIRST_VECTOR + 1) > 0);
            assertTrue(b.msi.countVector(EnaBed.FIRST_VECTOR + 2) > 0);
            for (int i = 0; i < b.msi.count(); i++)
            {
                assertEquals(RecordingMsiSink.x86Address(0), b.msi.address(i));
            }
            assertFalse(a.device.isFatal());
        }
    }
}

package io.nitrosim.nic.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.nic.vpc.Ipv4;

class FrameTest
{
    @Test
    void shouldWriteAndParseAUdpFrameInNetworkOrder()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        final EthernetFrame frame = new EthernetFrame().wrapForWrite(buffer, 10, 2000);
        final int length = frame.writeHeaders(0x0A0B0C0D0E0FL, 0x021122334455L, Ipv4.parse("10.0.1.4"),
            Ipv4.parse("10.0.1.5"), EthernetFrame.PROTO_UDP, 40000, 5201, 1472, 7);
        assertEquals(1514, length);
        final EthernetFrame read = new EthernetFrame().wrap(buffer, 10, length);
        assertEquals(EthernetFrame.VALID, read.validate());
        assertEquals(0x0A0B0C0D0E0FL, read.dstMac());
        assertEquals(0x021122334455L, read.srcMac());
        assertEquals((byte)0x02, buffer.getByte(10 + 6), "MAC bytes in wire order");
        assertEquals(0x0800, read.etherType());
        assertEquals((byte)0x08, buffer.getByte(10 + 12));
        assertEquals(1500, read.ipTotalLength());
        assertEquals("10.0.1.4", Ipv4.format(read.srcIp()));
        assertEquals(10, buffer.getByte(10 + 26), "first octet of the source address first");
        assertEquals(40000, read.srcPort());
        assertEquals(5201, read.dstPort());
        assertEquals(1472, read.payloadLength());
        assertTrue(read.isIpChecksumValid());
        buffer.putByte(10 + EthernetFrame.IP_TTL_OFFSET, (byte)3);
        assertTrue(!read.isIpChecksumValid(), "a changed header fails the checksum");
    }

    @Test
    void shouldWriteTheHeaderChecksumOfThePublishedExample()
    {
        // The IPv4 header of the usual worked example (Wikipedia, "Internet checksum"): 45 00 00 73 00 00 40 00 40 11
        // b8 61 c0 a8 00 01 c0 a8 00 c7: DF, TTL 64, UDP, 192.168.0.1 -> 192.168.0.199, total length 0x73.
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        new EthernetFrame().wrapForWrite(buffer, 0, 256).writeHeaders(1, 2, Ipv4.parse("192.168.0.1"),
            Ipv4.parse("192.168.0.199"), EthernetFrame.PROTO_UDP, 1, 2, 0x73 - 28, 0);
        final byte[] header = new byte[20];
        buffer.getBytes(EthernetFrame.IP_OFFSET, header);
        assertEquals("45000073000040004011b861c0a80001c0a800c7", hex(header));
    }

    @Test
    void shouldWriteAChecksumTheBytesConfirmForAnyFields()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final EthernetFrame frame = new EthernetFrame();
        final java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        final int[] protocols = {EthernetFrame.PROTO_UDP, EthernetFrame.PROTO_TCP, EthernetFrame.PROTO_ICMP};
        for (int i = 0; i < 10_000; i++)
        {
            final int protocol = protocols[i % 3];
            frame.wrapForWrite(buffer, 0, 256).writeHeaders(1, 2, random.nextInt(), random.nextInt(), protocol, 1, 2,
                random.nextInt(EthernetFrame.maxPayloadForMtu(protocol, EthernetFrame.MAX_MTU) + 1), random.nextInt());
            assertTrue(frame.wrap(buffer, 0, 256).isIpChecksumValid(), "header " + i);
        }
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder();
        for (final byte b : bytes)
        {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }

    @Test
    void shouldRejectMalformedFramesWithReasons()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final EthernetFrame frame = new EthernetFrame().wrapForWrite(buffer, 0, 256);
        final int length = frame.writeHeaders(1, 2, 3, 4, EthernetFrame.PROTO_TCP, 1, 2, 100, 0);
        final EthernetFrame read = new EthernetFrame();
        assertEquals(EthernetFrame.VALID, read.wrap(buffer, 0, length).validate());
        assertEquals(EthernetFrame.VALID, read.wrap(buffer, 0, 54).validate(), "headers only (timing mode)");
        assertEquals(EthernetFrame.ERR_L4_TRUNCATED, read.wrap(buffer, 0, 40).validate());
        assertEquals(EthernetFrame.ERR_TOO_SHORT, read.wrap(buffer, 0, 20).validate());
        buffer.putByte(EthernetFrame.IP_VERSION_IHL_OFFSET, (byte)0x46);
        assertEquals(EthernetFrame.ERR_IP_OPTIONS_OR_VERSION, read.wrap(buffer, 0, length).validate());
        buffer.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short)0x86DD);
        assertEquals(EthernetFrame.ERR_NOT_IPV4, read.wrap(buffer, 0, length).validate());
    }

    @Test
    void shouldRoundTripTheEncapsulationHeader()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        new EncapHeader().wrapForWrite(buffer, 4).write(0xABCDEF, 1, 2, 300, 400, 9015, 0x12345678, true);
        final EncapHeader h = new EncapHeader().wrap(buffer, 4);
        assertTrue(h.isValid(60));
        assertEquals(0xABCDEF, h.vni());
        assertEquals(1, h.srcHostId());
        assertEquals(2, h.dstHostId());
        assertEquals(300, h.srcEni());
        assertEquals(400, h.dstEni());
        assertEquals(9015, h.innerLength());
        assertEquals(0x12345678, h.flowHash());
        assertTrue(h.isTruncated());
        assertTrue(!h.isValid(31), "shorter than the header");
    }
}

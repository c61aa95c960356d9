package io.nitrosim.nic.frame;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over an Ethernet II / IPv4 / TCP, UDP or ICMP frame in a {@link DirectBuffer}, in network byte
 * order (big-endian), so a guest driver builds real-looking frames and the card parses the 5-tuple.
 * <p>
 * Layout (offsets from the start of the frame; IPv4 without options, IHL = 5):
 * <pre>
 *   0  dst MAC            6 B
 *   6  src MAC            6 B
 *  12  ethertype          u16   0x0800 (IPv4)
 *  14  version/IHL        u8    0x45
 *  15  DSCP/ECN           u8
 *  16  total length       u16   IPv4 header + L4 header + payload (the L3 MTU bounds it)
 *  18  identification     u16
 *  20  flags/fragment     u16   DF = 0x4000
 *  22  TTL                u8
 *  23  protocol           u8    1 ICMP, 6 TCP, 17 UDP
 *  24  header checksum    u16   RFC 791 one's complement over the 20 header bytes
 *  26  source IPv4        u32
 *  30  destination IPv4   u32
 *  34  L4 header:
 *      UDP  34 src port u16, 36 dst port u16, 38 length u16, 40 checksum u16      (8 B, payload at 42)
 *      TCP  34 src port u16, 36 dst port u16, 38 seq u32, 42 ack u32,
 *           46 data offset[15:12] | flags[8:0] u16, 48 window u16, 50 checksum u16, 52 urgent u16
 *                                                                                   (20 B, payload at 54)
 *      ICMP 34 type u8, 35 code u8, 36 checksum u16, 38 identifier u16, 40 sequence u16 (8 B, payload at 42)
 * </pre>
 * The frame's length on the simulated wire is {@code 14 + IPv4 total length} (no FCS, no padding). A frame
 * may be carried <em>truncated</em> (timing-only mode): only its first {@code capturedLength} bytes are present
 * (at least the headers), while the total length field still states the full size that the shapers charge.
 * L4 checksums are left 0 (checksum offload); the card does not verify them.
 */
public final class EthernetFrame
{
    public static final int DST_MAC_OFFSET = 0;
    public static final int SRC_MAC_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int IP_OFFSET = 14;
    public static final int IP_VERSION_IHL_OFFSET = 14;
    public static final int IP_DSCP_OFFSET = 15;
    public static final int IP_TOTAL_LENGTH_OFFSET = 16;
    public static final int IP_ID_OFFSET = 18;
    public static final int IP_FLAGS_FRAGMENT_OFFSET = 20;
    public static final int IP_TTL_OFFSET = 22;
    public static final int IP_PROTOCOL_OFFSET = 23;
    public static final int IP_CHECKSUM_OFFSET = 24;
    public static final int IP_SRC_OFFSET = 26;
    public static final int IP_DST_OFFSET = 30;
    public static final int L4_OFFSET = 34;
    public static final int SRC_PORT_OFFSET = 34;
    public static final int DST_PORT_OFFSET = 36;
    public static final int UDP_LENGTH_OFFSET = 38;
    public static final int UDP_CHECKSUM_OFFSET = 40;
    public static final int TCP_SEQ_OFFSET = 38;
    public static final int TCP_ACK_OFFSET = 42;
    public static final int TCP_OFFSET_FLAGS_OFFSET = 46;
    public static final int TCP_WINDOW_OFFSET = 48;
    public static final int TCP_CHECKSUM_OFFSET = 50;
    public static final int ICMP_TYPE_OFFSET = 34;
    public static final int ICMP_CODE_OFFSET = 35;

    public static final int ETH_HEADER_LENGTH = 14;
    public static final int IPV4_HEADER_LENGTH = 20;
    public static final int UDP_HEADER_LENGTH = 8;
    public static final int TCP_HEADER_LENGTH = 20;
    public static final int ICMP_HEADER_LENGTH = 8;
    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int TCP_FLAG_FIN = 0x01;
    public static final int TCP_FLAG_SYN = 0x02;
    public static final int TCP_FLAG_RST = 0x04;
    public static final int TCP_FLAG_PSH = 0x08;
    public static final int TCP_FLAG_ACK = 0x10;
    /** Largest IPv4 total length accepted (jumbo frames inside a VPC). */
    public static final int MAX_MTU = 9001;
    /** Longest frame: 14 + 9001. */
    public static final int MAX_FRAME_LENGTH = ETH_HEADER_LENGTH + MAX_MTU;

    /** {@link #validate()} results. */
    public static final int VALID = 0;
    public static final int ERR_TOO_SHORT = 1;
    public static final int ERR_NOT_IPV4 = 2;
    public static final int ERR_IP_OPTIONS_OR_VERSION = 3;
    public static final int ERR_BAD_TOTAL_LENGTH = 4;
    public static final int ERR_L4_TRUNCATED = 5;
    public static final int ERR_FRAGMENT = 6;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;
    private int capturedLength;

    /** Wraps a frame for reading; {@code capturedLength} bytes are present. */
    public EthernetFrame wrap(final DirectBuffer buffer, final int offset, final int capturedLength)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        this.capturedLength = capturedLength;
        return this;
    }

    /** Wraps writable space of {@code capacity} bytes, for building a frame. */
    public EthernetFrame wrapForWrite(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        this.capturedLength = capacity;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    public int capturedLength()
    {
        return capturedLength;
    }

    /** Checks the headers the card relies on. @return {@link #VALID} or an ERR_* code. */
    public int validate()
    {
        if (capturedLength < L4_OFFSET)
        {
            return ERR_TOO_SHORT;
        }
        if (etherType() != ETHER_TYPE_IPV4)
        {
            return ERR_NOT_IPV4;
        }
        if ((buffer.getByte(offset + IP_VERSION_IHL_OFFSET) & 0xFF) != 0x45)
        {
            return ERR_IP_OPTIONS_OR_VERSION;
        }
        final int total = ipTotalLength();
        final int l4Header = l4HeaderLength();
        if (total < IPV4_HEADER_LENGTH + l4Header || total > MAX_MTU)
        {
            return ERR_BAD_TOTAL_LENGTH;
        }
        if ((buffer.getShort(offset + IP_FLAGS_FRAGMENT_OFFSET, NET) & 0x3FFF) != 0)
        {
            return ERR_FRAGMENT; // MF set or non-zero offset: the card does not reassemble
        }
        if (capturedLength < L4_OFFSET + l4Header || capturedLength > ETH_HEADER_LENGTH + total)
        {
            return ERR_L4_TRUNCATED;
        }
        return VALID;
    }

    public long dstMac()
    {
        return readMac(offset + DST_MAC_OFFSET);
    }

    public long srcMac()
    {
        return readMac(offset + SRC_MAC_OFFSET);
    }

    public int etherType()
    {
        return buffer.getShort(offset + ETHER_TYPE_OFFSET, NET) & 0xFFFF;
    }

    public int ipTotalLength()
    {
        return buffer.getShort(offset + IP_TOTAL_LENGTH_OFFSET, NET) & 0xFFFF;
    }

    /** Length on the simulated wire: Ethernet header + IPv4 total length. */
    public int frameLength()
    {
        return ETH_HEADER_LENGTH + ipTotalLength();
    }

    public int protocol()
    {
        return buffer.getByte(offset + IP_PROTOCOL_OFFSET) & 0xFF;
    }

    public int ttl()
    {
        return buffer.getByte(offset + IP_TTL_OFFSET) & 0xFF;
    }

    public int ipId()
    {
        return buffer.getShort(offset + IP_ID_OFFSET, NET) & 0xFFFF;
    }

    public int ipChecksum()
    {
        return buffer.getShort(offset + IP_CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    public int srcIp()
    {
        return buffer.getInt(offset + IP_SRC_OFFSET, NET);
    }

    public int dstIp()
    {
        return buffer.getInt(offset + IP_DST_OFFSET, NET);
    }

    /** Source port for TCP/UDP; 0 for other protocols. */
    public int srcPort()
    {
        final int p = protocol();
        return p == PROTO_TCP || p == PROTO_UDP ? buffer.getShort(offset + SRC_PORT_OFFSET, NET) & 0xFFFF : 0;
    }

    /** Destination port for TCP/UDP; 0 for other protocols. */
    public int dstPort()
    {
        final int p = protocol();
        return p == PROTO_TCP || p == PROTO_UDP ? buffer.getShort(offset + DST_PORT_OFFSET, NET) & 0xFFFF : 0;
    }

    public long tcpSeq()
    {
        return buffer.getInt(offset + TCP_SEQ_OFFSET, NET) & 0xFFFF_FFFFL;
    }

    public long tcpAck()
    {
        return buffer.getInt(offset + TCP_ACK_OFFSET, NET) & 0xFFFF_FFFFL;
    }

    public int tcpFlags()
    {
        return buffer.getShort(offset + TCP_OFFSET_FLAGS_OFFSET, NET) & 0x1FF;
    }

    public int icmpType()
    {
        return buffer.getByte(offset + ICMP_TYPE_OFFSET) & 0xFF;
    }

    /** L4 header length implied by the protocol: 20 TCP, 8 UDP/ICMP, 0 otherwise. */
    public int l4HeaderLength()
    {
        return l4HeaderLength(protocol());
    }

    public static int l4HeaderLength(final int protocol)
    {
        switch (protocol)
        {
            case PROTO_TCP:
                return TCP_HEADER_LENGTH;
            case PROTO_UDP:
            case PROTO_ICMP:
                return UDP_HEADER_LENGTH;
            default:
                return 0;
        }
    }

    /** Offset of the L4 payload from the start of the frame. */
    public int payloadOffset()
    {
        return L4_OFFSET + l4HeaderLength();
    }

    /** L4 payload length as the headers state it (whether or not it was captured). */
    public int payloadLength()
    {
        return ipTotalLength() - IPV4_HEADER_LENGTH - l4HeaderLength();
    }

    /** Frame length for an L4 payload of {@code payloadLength} bytes. */
    public static int frameLengthFor(final int protocol, final int payloadLength)
    {
        return ETH_HEADER_LENGTH + IPV4_HEADER_LENGTH + l4HeaderLength(protocol) + payloadLength;
    }

    /** L4 payload that fits an L3 MTU ({@code mtu - 20 - L4 header}). */
    public static int maxPayloadForMtu(final int protocol, final int mtu)
    {
        return mtu - IPV4_HEADER_LENGTH - l4HeaderLength(protocol);
    }

    // -------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes the Ethernet, IPv4 and L4 headers (the payload is the caller's) and the IPv4 header checksum.
     * TCP gets data offset 5, flags ACK, window 65535, seq/ack 0 (see {@link #tcp}).
     *
     * @return the frame length on the wire.
     */
    public int writeHeaders(
        final long dstMac,
        final long srcMac,
        final int srcIp,
        final int dstIp,
        final int protocol,
        final int srcPort,
        final int dstPort,
        final int payloadLength,
        final int ipId)
    {
        final MutableDirectBuffer b = mutableBuffer;
        final int o = offset;
        writeMac(o + DST_MAC_OFFSET, dstMac);
        writeMac(o + SRC_MAC_OFFSET, srcMac);
        b.putShort(o + ETHER_TYPE_OFFSET, (short)ETHER_TYPE_IPV4, NET);
        final int l4Header = l4HeaderLength(protocol);
        final int total = IPV4_HEADER_LENGTH + l4Header + payloadLength;
        b.putByte(o + IP_VERSION_IHL_OFFSET, (byte)0x45);
        b.putByte(o + IP_DSCP_OFFSET, (byte)0);
        b.putShort(o + IP_TOTAL_LENGTH_OFFSET, (short)total, NET);
        b.putShort(o + IP_ID_OFFSET, (short)ipId, NET);
        b.putShort(o + IP_FLAGS_FRAGMENT_OFFSET, (short)0x4000, NET);
        b.putByte(o + IP_TTL_OFFSET, (byte)64);
        b.putByte(o + IP_PROTOCOL_OFFSET, (byte)protocol);
        b.putShort(o + IP_CHECKSUM_OFFSET, (short)ipChecksum(total, ipId, protocol, srcIp, dstIp), NET);
        b.putInt(o + IP_SRC_OFFSET, srcIp, NET);
        b.putInt(o + IP_DST_OFFSET, dstIp, NET);
        switch (protocol)
        {
            case PROTO_UDP:
                b.putShort(o + SRC_PORT_OFFSET, (short)srcPort, NET);
                b.putShort(o + DST_PORT_OFFSET, (short)dstPort, NET);
                b.putShort(o + UDP_LENGTH_OFFSET, (short)(UDP_HEADER_LENGTH + payloadLength), NET);
                b.putShort(o + UDP_CHECKSUM_OFFSET, (short)0, NET);
                break;
            case PROTO_TCP:
                b.putShort(o + SRC_PORT_OFFSET, (short)srcPort, NET);
                b.putShort(o + DST_PORT_OFFSET, (short)dstPort, NET);
                b.putInt(o + TCP_SEQ_OFFSET, 0, NET);
                b.putInt(o + TCP_ACK_OFFSET, 0, NET);
                b.putShort(o + TCP_OFFSET_FLAGS_OFFSET, (short)((5 << 12) | TCP_FLAG_ACK), NET);
                b.putShort(o + TCP_WINDOW_OFFSET, (short)0xFFFF, NET);
                b.putInt(o + TCP_CHECKSUM_OFFSET, 0, NET); // checksum + urgent pointer
                break;
            case PROTO_ICMP:
                b.putByte(o + ICMP_TYPE_OFFSET, (byte)8); // echo request
                b.putByte(o + ICMP_CODE_OFFSET, (byte)0);
                b.putShort(o + 36, (short)0, NET);
                b.putShort(o + 38, (short)srcPort, NET);
                b.putShort(o + 40, (short)dstPort, NET);
                break;
            default:
                break;
        }
        return ETH_HEADER_LENGTH + total;
    }

    /** Sets the TCP sequence/ack numbers and flags of a frame written by {@link #writeHeaders}. */
    public EthernetFrame tcp(final long seq, final long ack, final int flags)
    {
        mutableBuffer.putInt(offset + TCP_SEQ_OFFSET, (int)seq, NET);
        mutableBuffer.putInt(offset + TCP_ACK_OFFSET, (int)ack, NET);
        mutableBuffer.putShort(offset + TCP_OFFSET_FLAGS_OFFSET, (short)((5 << 12) | (flags & 0x1FF)), NET);
        return this;
    }

    public EthernetFrame srcMac(final long mac)
    {
        writeMac(offset + SRC_MAC_OFFSET, mac);
        return this;
    }

    public EthernetFrame dstMac(final long mac)
    {
        writeMac(offset + DST_MAC_OFFSET, mac);
        return this;
    }

    /** One's complement sum of the 20 IPv4 header bytes with the checksum field taken as stored. */
    public int computeIpChecksum()
    {
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER_LENGTH; i += 2)
        {
            sum += buffer.getShort(offset + IP_OFFSET + i, NET) & 0xFFFF;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    /**
     * The RFC 791 header checksum of the header {@link #writeHeaders} writes, from its fields rather than from the
     * bytes written (the same one's complement sum of the ten 16-bit words, the checksum word taken as 0): version/IHL
     * 0x45 and DSCP 0, total length, id, flags 0x4000 (DF), TTL 64 and protocol, source and destination.
     */
    static int ipChecksum(final int totalLength, final int ipId, final int protocol, final int srcIp, final int dstIp)
    {
        int sum = 0x4500 + (totalLength & 0xFFFF) + (ipId & 0xFFFF) + 0x4000 + (64 << 8 | protocol & 0xFF)
            + (srcIp >>> 16) + (srcIp & 0xFFFF) + (dstIp >>> 16) + (dstIp & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum += sum >>> 16;
        return ~sum & 0xFFFF;
    }

    /** Whether the stored IPv4 header checksum is right (the sum over the header including it is 0). */
    public boolean isIpChecksumValid()
    {
        return computeIpChecksum() == 0;
    }

    private long readMac(final int index)
    {
        return ((long)(buffer.getShort(index, NET) & 0xFFFF) << 32) | (buffer.getInt(index + 2, NET) & 0xFFFF_FFFFL);
    }

    private void writeMac(final int index, final long mac)
    {
        mutableBuffer.putShort(index, (short)(mac >>> 32), NET);
        mutableBuffer.putInt(index + 2, (int)mac, NET);
    }
}

package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.nic.frame.EthernetFrame;

/**
 * The device's checksum offloads over a frame laid out as {@link EthernetFrame} says (IPv4 with a 20-byte header):
 * on TX, the full TCP/UDP checksum (pseudo-header included) when a descriptor asks for it with l4_csum_en
 * (ENA_ADMIN_FEATURE_OFFLOAD_DESC_TX_L4_IPV4_CSUM_FULL); on RX, the IPv4 header checksum and the TCP/UDP
 * checksum (ENA_ADMIN_FEATURE_OFFLOAD_DESC_RX_L3_CSUM_IPV4 and _RX_L4_IPV4_CSUM), reported in the RX completion's
 * l3_csum_err, l4_csum_err and l4_csum_checked bits. The L4 checksum covers the whole segment, so it is computed and
 * checked only when the device holds the whole frame (full-payload mode); a timing-only frame's L4 checksum is left
 * unchecked (l4_csum_checked 0). An L4 checksum field of 0 means none was computed (the simulator's frames leave it
 * 0 unless a device computed it; a computed 0 is written as its one's complement twin 0xFFFF). Allocation-free.
 */
public final class EnaChecksum
{
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int IP_HEADER_BYTES = EthernetFrame.IPV4_HEADER_LENGTH;

    private EnaChecksum()
    {
    }

    /** Whether the frame at {@code index} ({@code captured} bytes present) is IPv4 with its header present. */
    static boolean isIpv4(final DirectBuffer buffer, final int index, final int captured)
    {
        return captured >= EthernetFrame.L4_OFFSET
            && (buffer.getShort(index + EthernetFrame.ETHER_TYPE_OFFSET, NET) & 0xFFFF) == EthernetFrame.ETHER_TYPE_IPV4;
    }

    /** Whether the IPv4 header checksum holds (RFC 791: the one's complement sum of the header is 0xFFFF). */
    static boolean ipv4HeaderOk(final DirectBuffer buffer, final int index)
    {
        return fold(sum(buffer, index + EthernetFrame.IP_OFFSET, IP_HEADER_BYTES, 0)) == 0xFFFF;
    }

    /** Where the frame's L4 checksum field is (TCP or UDP), -1 for another protocol. */
    static int l4ChecksumOffset(final DirectBuffer buffer, final int index)
    {
        final int protocol = buffer.getByte(index + EthernetFrame.IP_PROTOCOL_OFFSET) & 0xFF;
        return protocol == EthernetFrame.PROTO_TCP ? EthernetFrame.TCP_CHECKSUM_OFFSET
            : protocol == EthernetFrame.PROTO_UDP ? EthernetFrame.UDP_CHECKSUM_OFFSET : -1;
    }

    /**
     * Computes the TCP/UDP checksum of a whole IPv4 frame of {@code frameLength} bytes and writes it (TX offload).
     * Nothing happens for another protocol or a frame whose IPv4 length disagrees with {@code frameLength}.
     */
    static void writeL4(final MutableDirectBuffer buffer, final int index, final int frameLength)
    {
        final int field = l4ChecksumOffset(buffer, index);
        if (field < 0 || !lengthsAgree(buffer, index, frameLength))
        {
            return;
        }
        buffer.putShort(index + field, (short)0, NET);
        final int sum = fold(l4Sum(buffer, index, frameLength));
        final int checksum = ~sum & 0xFFFF;
        buffer.putShort(index + field, (short)(checksum == 0 ? 0xFFFF : checksum), NET);
    }

    /**
     * Checks the TCP/UDP checksum of a whole IPv4 frame (RX offload).
     *
     * @return 1 good, 0 bad, -1 not checked (another protocol, no checksum computed, lengths disagree).
     */
    static int checkL4(final DirectBuffer buffer, final int index, final int frameLength)
    {
        final int field = l4ChecksumOffset(buffer, index);
        if (field < 0 || buffer.getShort(index + field, NET) == 0 || !lengthsAgree(buffer, index, frameLength))
        {
            return -1;
        }
        return fold(l4Sum(buffer, index, frameLength)) == 0xFFFF ? 1 : 0;
    }

    private static boolean lengthsAgree(final DirectBuffer buffer, final int index, final int frameLength)
    {
        final int ipLength = buffer.getShort(index + EthernetFrame.IP_TOTAL_LENGTH_OFFSET, NET) & 0xFFFF;
        return ipLength >= IP_HEADER_BYTES + 8 && EthernetFrame.ETH_HEADER_LENGTH + ipLength == frameLength;
    }

    /** The pseudo-header (source, destination, protocol, L4 length) plus the L4 segment, unfolded. */
    private static long l4Sum(final DirectBuffer buffer, final int index, final int frameLength)
    {
        final int l4Length = frameLength - EthernetFrame.L4_OFFSET;
        long sum = sum(buffer, index + EthernetFrame.IP_SRC_OFFSET, 8, 0);
        sum += buffer.getByte(index + EthernetFrame.IP_PROTOCOL_OFFSET) & 0xFF;
        sum += l4Length;
        return sum(buffer, index + EthernetFrame.L4_OFFSET, l4Length, sum);
    }

    /**
     * Adds the big-endian 16-bit words of [at, at + length) to {@code sum} (an odd last byte padded with 0). The bulk
     * is read 8 bytes at a time in little-endian order and its folded sum byte-swapped: the one's complement sum is
     * independent of byte order up to that swap (RFC 1071, 2.B).
     */
    private static long sum(final DirectBuffer buffer, final int at, final int length, final long sum)
    {
        long swapped = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            final long v = buffer.getLong(at + i, ByteOrder.LITTLE_ENDIAN);
            swapped += (v >>> 32) + (v & 0xFFFF_FFFFL);
        }
        long s = sum + (Short.reverseBytes((short)fold(swapped)) & 0xFFFF);
        for (; i + 2 <= length; i += 2)
        {
            s += buffer.getShort(at + i, NET) & 0xFFFF;
        }
        if (i < length)
        {
            s += (buffer.getByte(at + i) & 0xFF) << 8;
        }
        return s;
    }

    private static int fold(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }
}

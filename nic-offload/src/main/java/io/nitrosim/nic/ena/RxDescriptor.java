package io.nitrosim.nic.ena;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * A 16-byte ENA RX descriptor (ena_eth_io_rx_desc): one receive buffer posted by the driver, as a flyweight.
 * Little-endian.
 * <pre>
 *  0  length        u16  buffer bytes; 0 means 65536
 *  2  reserved      u8
 *  3  ctrl          u8   phase[0], first[2], last[3], comp_req[4], reserved[5] must be one
 *  4  req_id        u16  the driver's buffer id, returned in the RX completion
 *  6  reserved      u16
 *  8  buff_addr_lo  u32  buffer address bits 31:0
 * 12  buff_addr_hi  u16  bits 47:32
 * 14  reserved      u16
 * </pre>
 */
public final class RxDescriptor
{
    public static final int LENGTH = 16;
    public static final int LENGTH_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int CTRL_OFFSET = 3;
    public static final int REQ_ID_OFFSET = 4;
    public static final int BUFFER_ADDRESS_OFFSET = 8;

    public static final int CTRL_PHASE = 1;
    public static final int CTRL_FIRST = 1 << 2;
    public static final int CTRL_LAST = 1 << 3;
    public static final int CTRL_COMP_REQ = 1 << 4;
    public static final int CTRL_RESERVED_ONE = 1 << 5;
    /** A length field of 0 stands for this many bytes. */
    public static final int ZERO_LENGTH_BYTES = 65_536;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public RxDescriptor wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Buffer bytes, with 0 read as 65536. */
    public int bufferLength()
    {
        final int length = buffer.getShort(offset + LENGTH_OFFSET, LE) & 0xFFFF;
        return length == 0 ? ZERO_LENGTH_BYTES : length;
    }

    public int ctrl()
    {
        return buffer.getByte(offset + CTRL_OFFSET) & 0xFF;
    }

    public boolean phase()
    {
        return (ctrl() & CTRL_PHASE) != 0;
    }

    public int reqId()
    {
        return buffer.getShort(offset + REQ_ID_OFFSET, LE) & 0xFFFF;
    }

    public long bufferAddress()
    {
        return EnaMemAddress.get(buffer, offset + BUFFER_ADDRESS_OFFSET);
    }

    public boolean first()
    {
        return (ctrl() & CTRL_FIRST) != 0;
    }

    public boolean last()
    {
        return (ctrl() & CTRL_LAST) != 0;
    }

    public boolean compReq()
    {
        return (ctrl() & CTRL_COMP_REQ) != 0;
    }

    /** Writes a whole descriptor as the Linux driver posts them: first, last and comp_req set. */
    public RxDescriptor set(final int length, final int reqId, final boolean phase, final long bufferAddress)
    {
        final int ctrl = CTRL_FIRST | CTRL_LAST | CTRL_COMP_REQ | CTRL_RESERVED_ONE | (phase ? CTRL_PHASE : 0);
        buffer.putShort(offset + LENGTH_OFFSET, (short)length, LE);
        buffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        buffer.putByte(offset + CTRL_OFFSET, (byte)ctrl);
        buffer.putShort(offset + REQ_ID_OFFSET, (short)reqId, LE);
        buffer.putShort(offset + REQ_ID_OFFSET + 2, (short)0, LE);
        buffer.putLong(offset + BUFFER_ADDRESS_OFFSET, bufferAddress & EnaMemAddress.MASK, LE);
        return this;
    }
}

package io.nitrosim.nic.ena;

/**
 * The 8-byte read-less MMIO response (ena_admin_ena_mmio_req_read_less_resp) the device DMA-writes to
 * MMIO_RESP_LO/HI after a write to MMIO_REG_READ. Little-endian.
 * <pre>
 *  0  req_id   u16  as written to MMIO_REG_READ[15:0]
 *  2  reg_off  u16  as written to MMIO_REG_READ[31:16]
 *  4  reg_val  u32  the register's value
 * </pre>
 */
public final class MmioReadResponse
{
    public static final int LENGTH = 8;
    public static final int REQ_ID_OFFSET = 0;
    public static final int REG_OFF_OFFSET = 2;
    public static final int REG_VAL_OFFSET = 4;

    private MmioReadResponse()
    {
    }

    /** The response as one little-endian u64. */
    public static long encode(final int reqId, final int regOff, final int value)
    {
        return (reqId & 0xFFFFL) | ((regOff & 0xFFFFL) << 16) | ((value & 0xFFFF_FFFFL) << 32);
    }

    public static int reqId(final long response)
    {
        return (int)(response & 0xFFFF);
    }

    public static int regOff(final long response)
    {
        return (int)((response >>> 16) & 0xFFFF);
    }

    public static int value(final long response)
    {
        return (int)(response >>> 32);
    }
}

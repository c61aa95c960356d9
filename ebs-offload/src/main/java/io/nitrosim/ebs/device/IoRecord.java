package io.nitrosim.ebs.device;

/**
 * Layouts of the two rings between a controller and its card (little-endian, native order of the rings).
 * <p>
 * Shaped ring record payload (controller -> card), after the {@link io.nitrosim.shaping.ShapedRing} header:
 * <pre>
 *  0  slot         i32  the controller's command slot
 *  4  opcode       i32  NVM opcode (read, write, flush, dataset management)
 *  8  generation   i32  controller reset generation when fetched
 * 12  rangeCount   i32  dataset management: number of ranges that follow at DATA
 * 16  offsetBytes  i64  read/write: byte offset in the volume
 * 24  lengthBytes  i64  read/write: bytes
 * 32  data              write data (data mode) or DSM ranges (offsetBytes i64, lengthBytes i64 each)
 * </pre>
 * Done ring record (card -> controller), message type {@link #MSG_DONE}:
 * <pre>
 *  0  slot         i32
 *  4  generation   i32
 *  8  status       i32  NVMe status field
 * 12  reserved     i32
 * 16  data              read data (data mode), length = record length - 16
 * </pre>
 */
final class IoRecord
{
    static final int SLOT_OFFSET = 0;
    static final int OPCODE_OFFSET = 4;
    static final int GENERATION_OFFSET = 8;
    static final int RANGE_COUNT_OFFSET = 12;
    static final int OFFSET_BYTES_OFFSET = 16;
    static final int LENGTH_BYTES_OFFSET = 24;
    static final int DATA_OFFSET = 32;
    static final int RANGE_LENGTH = 16;

    static final int MSG_DONE = 1;
    static final int DONE_SLOT_OFFSET = 0;
    static final int DONE_GENERATION_OFFSET = 4;
    static final int DONE_STATUS_OFFSET = 8;
    static final int DONE_DATA_OFFSET = 16;

    private IoRecord()
    {
    }
}

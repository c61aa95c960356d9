package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A 64-byte NVMe submission queue entry (NVMe Base Specification, "Submission Queue Entry - Command Format"),
 * as a flyweight. Little-endian.
 * <pre>
 * offset  field   bits
 *  0      CDW0    OPC[7:0], FUSE[9:8], PSDT[15:14], CID[31:16]  (byte 0 opcode, byte 1 flags, bytes 2-3 CID)
 *  4      NSID    namespace id (1-based; 0xFFFFFFFF = all)
 *  8      CDW2
 * 12      CDW3
 * 16      MPTR    metadata pointer
 * 24      PRP1    data pointer: PRP entry 1 (may carry a dword-aligned page offset)
 * 32      PRP2    PRP entry 2, or a PRP list pointer (page aligned)
 * 40      CDW10   command specific, e.g. Read/Write SLBA[31:0]; Create I/O CQ/SQ QID[15:0] QSIZE[31:16] (0-based);
 *                 Identify CNS[7:0] CNTID[31:16]; Get/Set Features FID[7:0] SV[31]; Get Log Page LID[7:0]
 *                 NUMDL[31:16]; Delete I/O SQ/CQ QID[15:0]; Dataset Management NR[7:0] (0-based);
 *                 Abort SQID[15:0] CID[31:16]
 * 44      CDW11   Read/Write SLBA[63:32]; Create I/O CQ PC[0] IEN[1] IV[31:16]; Create I/O SQ PC[0] QPRIO[2:1]
 *                 CQID[31:16]; Number of Queues NSQR[15:0] NCQR[31:16] (0-based); Get Log Page NUMDU[15:0];
 *                 Dataset Management IDR[0] IDW[1] AD[2]
 * 48      CDW12   Read/Write NLB[15:0] (0-based) FUA[30] LR[31]; Get Log Page LPOL
 * 52      CDW13   Get Log Page LPOU
 * 56      CDW14
 * 60      CDW15
 * </pre>
 */
public final class SubmissionQueueEntry
{
    public static final int LENGTH = 64;
    public static final int OPCODE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int COMMAND_ID_OFFSET = 2;
    public static final int NSID_OFFSET = 4;
    public static final int CDW2_OFFSET = 8;
    public static final int CDW3_OFFSET = 12;
    public static final int MPTR_OFFSET = 16;
    public static final int PRP1_OFFSET = 24;
    public static final int PRP2_OFFSET = 32;
    public static final int CDW10_OFFSET = 40;
    public static final int CDW11_OFFSET = 44;
    public static final int CDW12_OFFSET = 48;
    public static final int CDW13_OFFSET = 52;
    public static final int CDW14_OFFSET = 56;
    public static final int CDW15_OFFSET = 60;

    /** FLAGS: FUSE in bits 1:0. */
    public static final int FLAGS_FUSE_MASK = 0x3;
    /** FLAGS: PSDT in bits 7:6 (0 = PRPs; 1, 2 = SGLs). */
    public static final int FLAGS_PSDT_SHIFT = 6;
    public static final int FLAGS_PSDT_MASK = 0x3;
    public static final int PSDT_PRP = 0;

    public static final int RW_NLB_MASK = 0xFFFF;
    public static final int RW_FUA = 1 << 30;
    public static final int RW_LIMITED_RETRY = 1 << 31;
    public static final int DSM_ATTRIBUTE_DEALLOCATE = 1 << 2;
    public static final int CQ_PHYSICALLY_CONTIGUOUS = 1;
    public static final int CQ_INTERRUPTS_ENABLED = 1 << 1;
    public static final int SQ_PHYSICALLY_CONTIGUOUS = 1;
    public static final int FEATURES_SAVE = 1 << 31;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /** Wraps for reading (the device side). */
    public SubmissionQueueEntry wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    /** Zeroes the 64 bytes (the driver side, before filling in a command). */
    public SubmissionQueueEntry clear()
    {
        mutableBuffer.setMemory(offset, LENGTH, (byte)0);
        return this;
    }

    public int opcode()
    {
        return buffer.getByte(offset + OPCODE_OFFSET) & 0xFF;
    }

    public SubmissionQueueEntry opcode(final int opcode)
    {
        mutableBuffer.putByte(offset + OPCODE_OFFSET, (byte)opcode);
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public SubmissionQueueEntry flags(final int flags)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public int fuse()
    {
        return flags() & FLAGS_FUSE_MASK;
    }

    /** PRP or SGL data transfer: 0 = PRPs. */
    public int psdt()
    {
        return (flags() >>> FLAGS_PSDT_SHIFT) & FLAGS_PSDT_MASK;
    }

    public int commandId()
    {
        return buffer.getShort(offset + COMMAND_ID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public SubmissionQueueEntry commandId(final int commandId)
    {
        mutableBuffer.putShort(offset + COMMAND_ID_OFFSET, (short)commandId, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Namespace id as an unsigned 32-bit value. */
    public long nsid()
    {
        return buffer.getInt(offset + NSID_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public SubmissionQueueEntry nsid(final long nsid)
    {
        mutableBuffer.putInt(offset + NSID_OFFSET, (int)nsid, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public long mptr()
    {
        return buffer.getLong(offset + MPTR_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public long prp1()
    {
        return buffer.getLong(offset + PRP1_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public SubmissionQueueEntry prp1(final long address)
    {
        mutableBuffer.putLong(offset + PRP1_OFFSET, address, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    public long prp2()
    {
        return buffer.getLong(offset + PRP2_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public SubmissionQueueEntry prp2(final long address)
    {
        mutableBuffer.putLong(offset + PRP2_OFFSET, address, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Command dword {@code n}, 10..15. */
    public int cdw(final int n)
    {
        return buffer.getInt(offset + cdwOffset(n), ByteOrder.LITTLE_ENDIAN);
    }

    public SubmissionQueueEntry cdw(final int n, final int value)
    {
        mutableBuffer.putInt(offset + cdwOffset(n), value, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    private static int cdwOffset(final int n)
    {
        if (n < 10 || n > 15)
        {
            throw new IllegalArgumentException("command dword " + n + " is out of range: accepted 10..15");
        }
        return CDW10_OFFSET + 4 * (n - 10);
    }

    public int cdw10()
    {
        return buffer.getInt(offset + CDW10_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public int cdw11()
    {
        return buffer.getInt(offset + CDW11_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public int cdw12()
    {
        return buffer.getInt(offset + CDW12_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public int cdw13()
    {
        return buffer.getInt(offset + CDW13_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Read / Write / Write Zeroes

    /** Starting LBA (CDW10 low, CDW11 high). */
    public long startingLba()
    {
        return buffer.getLong(offset + CDW10_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    public SubmissionQueueEntry startingLba(final long lba)
    {
        mutableBuffer.putLong(offset + CDW10_OFFSET, lba, ByteOrder.LITTLE_ENDIAN);
        return this;
    }

    /** Number of logical blocks (NLB is 0-based in the command; this returns the count, 1..65536). */
    public int blockCount()
    {
        return (cdw12() & RW_NLB_MASK) + 1;
    }

    /** Sets NLB from a block count 1..65536, keeping the other CDW12 bits. */
    public SubmissionQueueEntry blockCount(final int blocks)
    {
        return cdw(12, (cdw12() & ~RW_NLB_MASK) | ((blocks - 1) & RW_NLB_MASK));
    }

    public boolean forceUnitAccess()
    {
        return (cdw12() & RW_FUA) != 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin fields

    /** Create/Delete I/O queue: QID (CDW10[15:0]). */
    public int queueId()
    {
        return cdw10() & 0xFFFF;
    }

    /** Abort: the command to abort, SQID in CDW10[15:0] and CID in CDW10[31:16]. */
    public SubmissionQueueEntry abort(final int sqid, final int cid)
    {
        return cdw(10, (sqid & 0xFFFF) | ((cid & 0xFFFF) << 16));
    }

    /** Abort: SQID of the command to abort (CDW10[15:0]). */
    public int abortSqid()
    {
        return cdw10() & 0xFFFF;
    }

    /** Abort: CID of the command to abort (CDW10[31:16]). */
    public int abortCid()
    {
        return cdw10() >>> 16;
    }

    /** Create I/O queue: entries (QSIZE is 0-based in CDW10[31:16]). */
    public int queueEntries()
    {
        return (cdw10() >>> 16) + 1;
    }

    public SubmissionQueueEntry createQueue(final int queueId, final int entries, final int cdw11)
    {
        cdw(10, (queueId & 0xFFFF) | ((entries - 1) << 16));
        return cdw(11, cdw11);
    }

    /** Create I/O CQ: interrupt vector (CDW11[31:16]). */
    public int interruptVector()
    {
        return cdw11() >>> 16;
    }

    /** Create I/O SQ: the CQ it completes to (CDW11[31:16]). */
    public int completionQueueId()
    {
        return cdw11() >>> 16;
    }

    public boolean physicallyContiguous()
    {
        return (cdw11() & 1) != 0;
    }

    public boolean interruptsEnabled()
    {
        return (cdw11() & CQ_INTERRUPTS_ENABLED) != 0;
    }

    /** Identify: CNS (CDW10[7:0]). */
    public int cns()
    {
        return cdw10() & 0xFF;
    }

    /** Get/Set Features: FID (CDW10[7:0]). */
    public int featureId()
    {
        return cdw10() & 0xFF;
    }

    /** Get Log Page: LID (CDW10[7:0]). */
    public int logPageId()
    {
        return cdw10() & 0xFF;
    }

    /** Get Log Page: dwords to return (NUMD = NUMDU:NUMDL, 0-based). */
    public long logPageDwords()
    {
        return (((cdw11() & 0xFFFFL) << 16) | (cdw10() >>> 16)) + 1;
    }

    /** Get Log Page: byte offset into the log (LPOU:LPOL). */
    public long logPageOffset()
    {
        return buffer.getLong(offset + CDW12_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /** Dataset Management: number of 16-byte ranges (NR is 0-based). */
    public int rangeCount()
    {
        return (cdw10() & 0xFF) + 1;
    }

    public boolean deallocate()
    {
        return (cdw11() & DSM_ATTRIBUTE_DEALLOCATE) != 0;
    }
}

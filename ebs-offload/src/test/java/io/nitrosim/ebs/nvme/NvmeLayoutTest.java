package io.nitrosim.ebs.nvme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.ebs.volume.VolumeId;

class NvmeLayoutTest
{
    private static String ascii(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    void shouldPlaceControllerRegistersWhereTheSpecDoes()
    {
        final UnsafeBuffer bar = new UnsafeBuffer(ByteBuffer.allocateDirect(0x2000));
        final NvmeRegisters regs = new NvmeRegisters().wrap(bar, 0);
        final long cap = NvmeRegisters.encodeCap(1024, true, 20, 0, 0, 4);
        regs.cap(cap).vs(NvmeRegisters.encodeVersion(1, 4, 0)).aqa(NvmeRegisters.encodeAqa(32, 64))
            .asq(0x1234_5000L).acq(0x6789_A000L).cc(0x0046_0001).csts(NvmeRegisters.encodeCsts(true, false, 0));
        assertEquals(1023, bar.getShort(0x00, ByteOrder.LITTLE_ENDIAN)); // MQES 0-based
        assertEquals(0x0001_0000L | (20L << 24) | (1L << 37) | (4L << 52), cap & ~0xFFFFL);
        assertEquals(0x0001_0400, bar.getInt(0x08, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x003F_001F, bar.getInt(0x24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1234_5000L, bar.getLong(0x28, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x6789_A000L, bar.getLong(0x30, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x0046_0001, bar.getInt(0x14, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, bar.getInt(0x1C, ByteOrder.LITTLE_ENDIAN));

        assertEquals(1024, NvmeRegisters.capMaxQueueEntries(cap));
        assertEquals(20, NvmeRegisters.capTimeout500ms(cap));
        assertEquals(4, NvmeRegisters.capMpsMax(cap));
        assertEquals(32, NvmeRegisters.aqaSubmissionQueueEntries(regs.aqa()));
        assertEquals(64, NvmeRegisters.aqaCompletionQueueEntries(regs.aqa()));
        // CC 0x00460001: EN, IOSQES 6 (64 B), IOCQES 4 (16 B), MPS 0 (4 KiB).
        assertTrue(NvmeRegisters.ccEnabled(regs.cc()));
        assertEquals(6, NvmeRegisters.ccIoSqEntrySizeShift(regs.cc()));
        assertEquals(4, NvmeRegisters.ccIoCqEntrySizeShift(regs.cc()));
        assertEquals(4096, NvmeRegisters.ccPageSize(regs.cc()));
    }

    @Test
    void shouldComputeDoorbellOffsetsWithTheStride()
    {
        assertEquals(0x1000, NvmeRegisters.sqTailDoorbellOffset(0, 0));
        assertEquals(0x1004, NvmeRegisters.cqHeadDoorbellOffset(0, 0));
        assertEquals(0x1008, NvmeRegisters.sqTailDoorbellOffset(1, 0));
        assertEquals(0x100C, NvmeRegisters.cqHeadDoorbellOffset(1, 0));
        assertEquals(0x1020, NvmeRegisters.sqTailDoorbellOffset(2, 1)); // stride 8 B
        assertEquals(0x1028, NvmeRegisters.cqHeadDoorbellOffset(2, 1));
        assertEquals(2, NvmeRegisters.doorbellQueueId(0x1028, 1));
        assertTrue(NvmeRegisters.isCompletionQueueDoorbell(0x1028, 1));
        assertFalse(NvmeRegisters.isCompletionQueueDoorbell(0x1020, 1));
        assertEquals(-1, NvmeRegisters.doorbellQueueId(0x1002, 0));
        assertEquals(-1, NvmeRegisters.doorbellQueueId(0x0FFC, 0));
    }

    @Test
    void shouldLayOutAbortAndItsCompletionAsTheSpecDoes()
    {
        // NVMe Base 2.x, Abort (opcode 08h): CDW10 SQID bits 15:00, CID bits 31:16. Aborting CID 0x1234 of SQ 3:
        // bytes 40..43 are 03 00 34 12.
        final UnsafeBuffer command = new UnsafeBuffer(new byte[SubmissionQueueEntry.LENGTH]);
        final SubmissionQueueEntry sqe = new SubmissionQueueEntry().wrap(command, 0);
        sqe.clear().opcode(NvmeOpcodes.ADMIN_ABORT).commandId(7).abort(3, 0x1234);
        assertEquals("080007000000", HexFormat.of().formatHex(command.byteArray(), 0, 6));
        assertEquals("03003412", HexFormat.of().formatHex(command.byteArray(), 40, 44));
        assertEquals(3, sqe.abortSqid());
        assertEquals(0x1234, sqe.abortCid());
        // Completion DW0 bit 0 (IANP): 1 = the command was not aborted, 0 = it was; status 07h Command Abort Requested
        // in the aborted command's own completion (status field bits 8:1 of bytes 14..15, phase in bit 0).
        final UnsafeBuffer cq = new UnsafeBuffer(new byte[CompletionQueueEntry.LENGTH]);
        new CompletionQueueEntry().wrap(cq, 0).complete(CompletionQueueEntry.ABORT_NOT_ABORTED, 5, 0, 9,
            NvmeStatus.SUCCESS, true);
        assertEquals("01000000", HexFormat.of().formatHex(cq.byteArray(), 0, 4));
        new CompletionQueueEntry().wrap(cq, 0).complete(0, 5, 3, 0x1234, NvmeStatus.ABORT_REQUESTED, true);
        assertEquals("00000000" + "00000000" + "0500" + "0300" + "3412" + "0f00", HexFormat.of().formatHex(cq.byteArray()));
        assertEquals(0x07, NvmeStatus.ABORT_REQUESTED);
        assertEquals(0x04, NvmeStatus.DATA_TRANSFER_ERROR);
        assertEquals(0x08, NvmeStatus.ABORTED_SQ_DELETION);
        // CRD (status bits 12:11) 1 on a Data Transfer Error, phase 1: status word (0x04 | 1 << 11) << 1 | 1 = 0x1009.
        new CompletionQueueEntry().wrap(cq, 0).complete(0, 0, 1, 1, NvmeStatus.withRetryDelay(
            NvmeStatus.DATA_TRANSFER_ERROR, 1), true);
        assertEquals("0910", HexFormat.of().formatHex(cq.byteArray(), 14, 16));
        assertEquals(1, NvmeStatus.retryDelay(NvmeStatus.withRetryDelay(NvmeStatus.DATA_TRANSFER_ERROR, 1)));
    }

    @Test
    void shouldReadAndWriteSubmissionEntries()
    {
        final UnsafeBuffer page = new UnsafeBuffer(new byte[128]);
        final SubmissionQueueEntry sqe = new SubmissionQueueEntry().wrap(page, 64);
        sqe.clear().opcode(NvmeOpcodes.IO_READ).flags(0).commandId(0xBEEF).nsid(1).prp1(0x10_0000L).prp2(0x20_0000L)
            .startingLba(0x1_0000_0002L).blockCount(8).cdw(12, sqe.cdw12() | SubmissionQueueEntry.RW_FUA);
        assertEquals(0x02, page.getByte(64));
        assertEquals((short)0xBEEF, page.getShort(66, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, page.getInt(68, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x10_0000L, page.getLong(64 + 24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x20_0000L, page.getLong(64 + 32, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, page.getInt(64 + 40, ByteOrder.LITTLE_ENDIAN)); // SLBA low in CDW10
        assertEquals(1, page.getInt(64 + 44, ByteOrder.LITTLE_ENDIAN)); // SLBA high in CDW11
        assertEquals(7 | (1 << 30), page.getInt(64 + 48, ByteOrder.LITTLE_ENDIAN)); // NLB 0-based + FUA
        assertEquals(8, sqe.blockCount());
        assertTrue(sqe.forceUnitAccess());
        assertEquals(0xBEEF, sqe.commandId());
        assertEquals(0, sqe.psdt());

        sqe.clear().opcode(NvmeOpcodes.ADMIN_CREATE_IO_SQ).createQueue(3, 256,
            (2 << 16) | SubmissionQueueEntry.SQ_PHYSICALLY_CONTIGUOUS);
        assertEquals(3 | (255 << 16), page.getInt(64 + 40, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, sqe.queueId());
        assertEquals(256, sqe.queueEntries());
        assertEquals(2, sqe.completionQueueId());
        assertTrue(sqe.physicallyContiguous());

        sqe.clear().opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE).cdw(10, NvmeOpcodes.LOG_SMART_HEALTH | (127 << 16));
        assertEquals(NvmeOpcodes.LOG_SMART_HEALTH, sqe.logPageId());
        assertEquals(128, sqe.logPageDwords()); // 512 bytes

        page.putByte(65, (byte)0x40); // PSDT = 01b (SGL)
        assertEquals(1, sqe.psdt());
        assertEquals("command dword 9 is out of range: accepted 10..15",
            assertThrows(IllegalArgumentException.class, () -> sqe.cdw(9)).getMessage());
    }

    @Test
    void shouldWriteCompletionsWithStatusAbovePhase()
    {
        final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final CompletionQueueEntry cqe = new CompletionQueueEntry().wrap(page, 16);
        cqe.complete(0x0003_0003, 5, 1, 0x1234,
            NvmeStatus.withDoNotRetry(NvmeStatus.INVALID_QUEUE_SIZE), true);
        assertEquals(0x0003_0003, page.getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(5, page.getShort(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, page.getShort(26, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1234, page.getShort(28, ByteOrder.LITTLE_ENDIAN));
        // SCT 1, SC 0x02, DNR: status field 0x4102; word = 0x4102 << 1 | 1 = 0x8205.
        assertEquals((short)0x8205, page.getShort(30, ByteOrder.LITTLE_ENDIAN));
        assertTrue(cqe.phase());
        assertEquals(NvmeStatus.SCT_COMMAND_SPECIFIC, NvmeStatus.statusCodeType(cqe.status()));
        assertEquals(0x02, NvmeStatus.statusCode(cqe.status()));
        assertTrue(NvmeStatus.doNotRetry(cqe.status()));
        assertFalse(cqe.isSuccess());

        cqe.complete(0, 6, 1, 7, NvmeStatus.LBA_OUT_OF_RANGE, false);
        assertEquals((short)0x0100, page.getShort(30, ByteOrder.LITTLE_ENDIAN));
        cqe.complete(0, 6, 1, 7, NvmeStatus.SUCCESS, true);
        assertTrue(cqe.isSuccess());
        assertEquals(0x13, NvmeStatus.PRP_OFFSET_INVALID);
        assertEquals(0x101, NvmeStatus.INVALID_QUEUE_ID);
    }

    @Test
    void shouldCarryTheAmazonEbsIdentity()
    {
        final UnsafeBuffer page = new UnsafeBuffer(new byte[IdentifyController.LENGTH]);
        final IdentifyController id = new IdentifyController().wrap(page, 0).clear()
            .ebsIdentity(VolumeId.parse("vol-0123456789abcdef0"), "/dev/sdf")
            .mdts(6).version(NvmeRegisters.encodeVersion(1, 4, 0)).queueEntrySizes(6, 4).namespaceCount(1)
            .optionalNvmCommands(IdentifyController.ONCS_DATASET_MANAGEMENT);
        assertEquals(0x1d0f, page.getShort(0, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1d0f, page.getShort(2, ByteOrder.LITTLE_ENDIAN));
        assertEquals("vol0123456789abcdef0", ascii(page, 4, 20));
        assertEquals("Amazon Elastic Block Store              ", ascii(page, 24, 40));
        assertEquals("1.0     ", ascii(page, 64, 8));
        assertEquals("/dev/sdf" + " ".repeat(24), ascii(page, 3072, 32));
        assertEquals(6, page.getByte(77));
        assertEquals(0x66, page.getByte(512)); // required and maximum 2^6 = 64 B
        assertEquals(0x44, page.getByte(513));
        assertEquals(1, page.getInt(516, ByteOrder.LITTLE_ENDIAN));
        assertEquals(4, page.getShort(520, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, page.getByte(111));

        final IdentifyController read = new IdentifyController().wrapForRead(page, 0);
        assertEquals("vol0123456789abcdef0", read.serialNumber());
        assertEquals("Amazon Elastic Block Store", read.modelNumber());
        assertEquals("1.0", read.firmwareRevision());
        assertEquals("/dev/sdf", read.deviceName());
        assertEquals(IdentifyController.AMAZON_VENDOR_ID, read.vendorId());
        assertEquals("\"Amazon Elastic Block Store and a very long model\" is 48 characters: the field holds at most 40",
            assertThrows(IllegalArgumentException.class,
                () -> id.modelNumber("Amazon Elastic Block Store and a very long model")).getMessage());
    }

    @Test
    void shouldDescribeANamespace()
    {
        final UnsafeBuffer page = new UnsafeBuffer(new byte[IdentifyNamespace.LENGTH]);
        final IdentifyNamespace ns = new IdentifyNamespace().wrap(page, 0).clear().simpleNamespace(2_097_152, 9);
        assertEquals(2_097_152, page.getLong(0, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2_097_152, page.getLong(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1L << 30, page.getLong(48, ByteOrder.LITTLE_ENDIAN));
        assertEquals(9 << 16, page.getInt(128, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, page.getByte(33));
        assertEquals(512, ns.blockSizeBytes());
        assertEquals(1, ns.lbaFormatCount());
    }

    @Test
    void shouldReadDatasetManagementRangesAndLogEntries()
    {
        final UnsafeBuffer page = new UnsafeBuffer(new byte[128]);
        DatasetManagementRange.put(page, 16, 0x1_0000_0000L, 2048);
        final DatasetManagementRange range = new DatasetManagementRange().wrap(page, 16);
        assertEquals(0x1_0000_0000L, range.startingLba());
        assertEquals(2048, range.blockCount());
        assertEquals(2048, page.getInt(20, ByteOrder.LITTLE_ENDIAN));

        LogPages.putErrorEntry(page, 64, 3, 1, 0x22, NvmeStatus.LBA_OUT_OF_RANGE, true,
            LogPages.parameterErrorLocation(40, 0), 0xFFFF, 1);
        assertEquals(3, page.getLong(64, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x22, page.getShort(74, ByteOrder.LITTLE_ENDIAN));
        assertEquals((short)0x0101, page.getShort(76, ByteOrder.LITTLE_ENDIAN));
        assertEquals(40, page.getShort(78, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0xFFFF, page.getLong(80, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, LogPages.dataUnits(1));
        assertEquals(2, LogPages.dataUnits(512_001));
    }

    @Test
    void shouldApplyPrpRules()
    {
        assertEquals(1, Prp.pagesSpanned(0x1000, 4096, 4096));
        assertEquals(2, Prp.pagesSpanned(0x1200, 4096, 4096));
        assertEquals(3, Prp.pagesSpanned(0x1200, 8192, 4096));
        assertTrue(Prp.usesList(0x1200, 8192, 4096));
        assertFalse(Prp.usesList(0x1000, 8192, 4096));
        assertFalse(Prp.isValidFirstEntry(0x1002));
        assertFalse(Prp.isPageAligned(0x2010, 4096));
        assertEquals(512, Prp.entriesPerListPage(4096));
        assertEquals(2, NvmeOpcodes.numberOfSubmissionQueues(NvmeOpcodes.encodeNumberOfQueues(2, 3)));
        assertEquals(3, NvmeOpcodes.numberOfCompletionQueues(NvmeOpcodes.encodeNumberOfQueues(2, 3)));
    }

    private static String hex(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    @Test
    void shouldPinTheBytesOfTheEntriesControllerAndDriverExchange()
    {
        // Completion queue entry (NVMe 1.4, 4.6): DW0; DW1; DW2 SQHD[15:0] SQID[31:16]; DW3 CID[15:0], P[16],
        // SF[31:17]. Status field LBA Out of Range (SCT 0, SC 80h) with DNR (bit 14 of SF) = 0x4080 -> 0x8101.
        final UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(CompletionQueueEntry.LENGTH));
        new CompletionQueueEntry().wrap(b, 0).complete(0x1122_3344, 5, 2, 0x1234,
            NvmeStatus.withDoNotRetry(NvmeStatus.LBA_OUT_OF_RANGE), true);
        assertEquals("44 33 22 11 00 00 00 00 05 00 02 00 34 12 01 81", hex(b, 0, 16));
        final CompletionQueueEntry read = new CompletionQueueEntry().wrap(
            new UnsafeBuffer(HexFormat.ofDelimiter(" ").parseHex("01 00 00 00 00 00 00 00 07 00 01 00 2a 00 00 00")), 0);
        assertFalse(read.phase());
        assertTrue(read.isSuccess());
        assertEquals(0x2a, read.commandId());
        assertEquals(7, read.sqHead());
        assertEquals(1, read.sqId());
        assertEquals(1, read.dw0());
        // The host polls P as bit 16 of the little-endian DW3 at byte 12.
        assertEquals(12, CompletionQueueEntry.PHASE_TAG.wordOffset());
        assertEquals(1 << 16, CompletionQueueEntry.PHASE_TAG.mask());

        // Dataset Management range (NVM Command Set, Figure "Dataset Management - Range Definition"): context
        // attributes bytes 03:00, length in logical blocks 07:04, starting LBA 15:08.
        final UnsafeBuffer range = new UnsafeBuffer(new byte[DatasetManagementRange.LENGTH]);
        DatasetManagementRange.put(range, 0, 0x11_2233_4455L, 0x800);
        assertEquals("00 00 00 00 00 08 00 00 55 44 33 22 11 00 00 00", hex(range, 0, 16));

        // PRP list (4.3): 8-byte page addresses.
        final UnsafeBuffer list = new UnsafeBuffer(new byte[16]);
        Prp.putEntry(list, 1, 0x1_2345_6000L);
        assertEquals("00 00 00 00 00 00 00 00 00 60 45 23 01 00 00 00", hex(list, 0, 16));
        assertEquals(0x1_2345_6000L, Prp.entry(list, 1));

        // Identify Namespace: NLBAF byte 25 (0-based), FLBAS byte 26 (format index bits 3:0), LBAF1 at 132
        // (LBADS bits 23:16).
        final UnsafeBuffer ns = new UnsafeBuffer(new byte[IdentifyNamespace.LENGTH]);
        new IdentifyNamespace().wrap(ns, 0).clear().lbaFormatCount(2).lbaFormat(1, 0, 12, 0).formattedLbaIndex(1);
        assertEquals("01 01", hex(ns, 25, 2));
        assertEquals("00 00 0c 00", hex(ns, 132, 4));

        // Firmware Slot Information log (5.14.1.3): active firmware info byte 0 (slot 1), FRS1 bytes 15:08 (ASCII).
        final UnsafeBuffer slots = new UnsafeBuffer(new byte[LogPages.FIRMWARE_SLOT_LENGTH]);
        LogPages.putFirmwareSlotLog(slots, IdentifyController.EBS_FIRMWARE_REVISION);
        assertEquals("01 00 00 00 00 00 00 00 31 2e 30 20 20 20 20 20", hex(slots, 0, 16));
    }
}

package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.nvme.IdentifyNamespace;
import io.nitrosim.ebs.nvme.LogPages;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.pci.ConfigSpace;

/** NVMe conformance of the EBS controller, driven through the reference driver and raw commands, in virtual time. */
class NvmeConformanceTest
{
    private static final int DNR = NvmeStatus.DO_NOT_RETRY;
    private static final long GIB8_BLOCKS = (8L << 30) / 512;
    private static final EbsInstanceCaps CAPS = EbsInstanceCaps.ofMbps(9000, 9000, 64000, 64000, 0);

    @TempDir
    Path dir;

    private EbsRig rig;
    private NvmeController c;
    private NvmeDriver d;
    private final EbsRig.Router router = new EbsRig.Router();
    private final Map<Long, int[]> done = new LinkedHashMap<>();
    private long nextTag = 1;
    private final UnsafeBuffer cmd = new UnsafeBuffer(new byte[64]);
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();

    @AfterEach
    void close()
    {
        if (rig != null)
        {
            rig.close();
        }
    }

    private void bringUp(final int pairs, final int entries, final boolean interrupts, final int blockSize)
    {
        rig = new EbsRig(CAPS, 32 << 20, dir, null, blockSize);
        c = rig.attach(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"), router);
        // maxRetries 0: these tests read the controller's own answer to each command, not the driver's retries
        d = rig.driver(c, NvmeDriver.config().ioQueuePairs(pairs).queueEntries(entries).interruptMode(interrupts)
            .maxRetries(0));
        router.driver = d;
        d.completionHandler((q, cid, status, dw0, head, tag) -> done.put(tag, new int[] {status, dw0, head, cid}));
        rig.guestAgent.drivers.add(d);
        run(10);
        assertTrue(d.isReady(), () -> d.state() + ": " + d.failureReason());
    }

    private void bringUp()
    {
        bringUp(2, 16, true, 512);
    }

    private void run(final long millis)
    {
        rig.runtime.runUntil(rig.runtime.clock().nanoTime() + millis * 1_000_000L);
    }

    /** Submits a raw command on {@code queue}, runs 5 ms, returns {status, dw0, sqHead, cid}. */
    private int[] command(final int queue, final Consumer<SubmissionQueueEntry> fill)
    {
        sqe.wrap(cmd, 0).clear();
        fill.accept(sqe);
        final long tag = nextTag++;
        assertTrue(d.submitRaw(queue, cmd, 0, tag) >= 0);
        run(5);
        final int[] result = done.get(tag);
        assertNotNull(result, "command on queue " + queue + " completed");
        return result;
    }

    private int status(final int queue, final Consumer<SubmissionQueueEntry> fill)
    {
        return command(queue, fill)[0];
    }

    private int csts()
    {
        return (int)c.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
    }

    private int writeAndWait(final int queue, final long lba, final int blocks, final long gpa)
    {
        final long tag = nextTag++;
        assertTrue(d.submitWrite(queue, lba, blocks, gpa, tag) >= 0);
        run(5);
        return done.get(tag)[0];
    }

    private int readAndWait(final int queue, final long lba, final int blocks, final long gpa)
    {
        final long tag = nextTag++;
        assertTrue(d.submitRead(queue, lba, blocks, gpa, tag) >= 0);
        run(5);
        return done.get(tag)[0];
    }

    private static String ascii(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    // -------------------------------------------------------------------------------------------------------------

    @Test
    void shouldBringUpFromResetWithTheEbsIdentity()
    {
        bringUp();
        assertEquals(NvmeRegisters.CSTS_RDY, csts());
        assertEquals(0x1d0f, c.configRead(ConfigSpace.VENDOR_ID_OFFSET, 2));
        assertEquals(0x8061, c.configRead(ConfigSpace.DEVICE_ID_OFFSET, 2));
        assertEquals(0x010802, c.configRead(ConfigSpace.REVISION_ID_OFFSET, 4) >>> 8);
        final long cap = c.mmioRead(0, NvmeRegisters.CAP_OFFSET, 8);
        assertEquals(1024, NvmeRegisters.capMaxQueueEntries(cap));
        assertEquals(1, (cap >>> NvmeRegisters.CAP_CQR_SHIFT) & 1);
        assertEquals(0, NvmeRegisters.capDoorbellStride(cap));
        assertEquals(20, NvmeRegisters.capTimeout500ms(cap));
        assertEquals(1, (cap >>> NvmeRegisters.CAP_CSS_SHIFT) & 1);
        assertEquals(0, NvmeRegisters.capMpsMin(cap));
        assertEquals(0x0001_0400, (int)c.mmioRead(0, NvmeRegisters.VS_OFFSET, 4));

        final IdentifyController id = new IdentifyController().wrapForRead(d.identifyController(), 0);
        assertEquals(0x1d0f, id.vendorId());
        assertEquals(0x1d0f, id.subsystemVendorId());
        assertEquals("vol0123456789abcdef0", id.serialNumber());
        final byte[] model = new byte[40];
        d.identifyController().getBytes(IdentifyController.MODEL_NUMBER_OFFSET, model);
        assertEquals(String.format("%-40s", "Amazon Elastic Block Store"), ascii(model));
        final byte[] firmware = new byte[8];
        d.identifyController().getBytes(IdentifyController.FIRMWARE_REVISION_OFFSET, firmware);
        assertEquals("1.0     ", ascii(firmware));
        final byte[] name = new byte[32];
        d.identifyController().getBytes(3072, name);
        assertEquals(String.format("%-32s", "/dev/sdf"), ascii(name));
        assertEquals(6, id.mdts());
        assertEquals(1, id.namespaceCount());
        assertEquals(0x66, id.sqes());
        assertEquals(0x44, id.cqes());

        final IdentifyNamespace ns = new IdentifyNamespace().wrapForRead(d.identifyNamespace(), 0);
        assertEquals(GIB8_BLOCKS, ns.size());
        assertEquals(GIB8_BLOCKS, ns.capacity());
        assertEquals(2, ns.lbaFormatCount());
        assertEquals(9, ns.lbaDataSizeShift(0));
        assertEquals(12, ns.lbaDataSizeShift(1));
        assertEquals(0, ns.formattedLbaIndex());
        assertEquals(IdentifyNamespace.DLFEAT_READ_ZEROES, ns.deallocateFeatures());
        assertEquals(512, d.blockSizeBytes());
        assertEquals(2, d.ioQueuePairs());

        final long page = rig.allocator.allocate(4096, 4096);
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_IDENTIFY).nsid(0).prp1(page)
            .cdw(10, NvmeOpcodes.CNS_ACTIVE_NAMESPACE_LIST)));
        assertEquals(1, rig.memory.getInt(page));
        assertEquals(0, rig.memory.getInt(page + 4));
        final int[] queues = command(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES));
        assertEquals(NvmeOpcodes.encodeNumberOfQueues(2, 2), queues[1]);
    }

    @Test
    void shouldOfferTheFourKibLbaFormat()
    {
        bringUp(1, 16, false, 4096);
        final IdentifyNamespace ns = new IdentifyNamespace().wrapForRead(d.identifyNamespace(), 0);
        assertEquals((8L << 30) / 4096, ns.size());
        assertEquals(1, ns.formattedLbaIndex());
        assertEquals(4096, d.blockSizeBytes());
        final long buf = rig.allocator.allocate(8192, 4096);
        rig.memory.fill(buf, 8192, (byte)0x5A);
        assertEquals(0, writeAndWait(1, (8L << 30) / 4096 - 2, 2, buf));
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | DNR, writeAndWait(1, (8L << 30) / 4096 - 1, 2, buf));
    }

    @Test
    void shouldCreateAndDeleteQueuesWithTheirStatuses()
    {
        bringUp();
        final long mem = rig.allocator.allocate(64 * 1024, 4096);
        final int contiguous = SubmissionQueueEntry.CQ_PHYSICALLY_CONTIGUOUS;
        // Create I/O CQ
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(0, 16, contiguous)));
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(1, 16, contiguous)), "CQ 1 exists");
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(3, 16, contiguous)), "only 2 pairs allocated");
        // Delete: CQ in use, then SQ, then CQ
        assertEquals(NvmeStatus.INVALID_QUEUE_DELETION | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_CQ)
            .cdw(10, 2)));
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_SQ)
            .cdw(10, 0)));
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_SQ).cdw(10, 2)));
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_SQ)
            .cdw(10, 2)), "already deleted");
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_CQ).cdw(10, 2)));
        assertEquals(NvmeStatus.INVALID_QUEUE_ID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_DELETE_IO_CQ)
            .cdw(10, 2)));
        // Bad sizes, an SQ against a missing CQ, a non-contiguous CQ, a bad vector, then both again
        assertEquals(NvmeStatus.INVALID_QUEUE_SIZE | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(2, 1, contiguous)));
        assertEquals(NvmeStatus.INVALID_QUEUE_SIZE | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(2, 1025, contiguous)));
        assertEquals(NvmeStatus.COMPLETION_QUEUE_INVALID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_SQ)
            .prp1(mem).createQueue(2, 16, SubmissionQueueEntry.SQ_PHYSICALLY_CONTIGUOUS | (2 << 16))));
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(2, 16, 0)));
        assertEquals(NvmeStatus.INVALID_INTERRUPT_VECTOR | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem).createQueue(2, 16, contiguous | (40 << 16))));
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            .prp1(mem + 8).createQueue(2, 16, contiguous)));
        rig.memory.fill(mem, 16 * 16, (byte)0);
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_CQ).prp1(mem)
            .createQueue(2, 16, contiguous | SubmissionQueueEntry.CQ_INTERRUPTS_ENABLED | (2 << 16))));
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_SQ).prp1(mem + 4096)
            .createQueue(2, 16, SubmissionQueueEntry.SQ_PHYSICALLY_CONTIGUOUS | (2 << 16))));
        // Number of queues can no longer change.
        assertEquals(NvmeStatus.COMMAND_SEQUENCE_ERROR | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_SET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES).cdw(11, NvmeOpcodes.encodeNumberOfQueues(4, 4))));
        // Queue 1 still works.
        final long buf = rig.allocator.allocate(4096, 4096);
        assertEquals(0, writeAndWait(1, 0, 8, buf));
    }

    @Test
    void shouldAnswerEachMalformedIoCommandWithItsStatus()
    {
        bringUp();
        final long buf = rig.allocator.allocate(64 * 1024, 4096);
        final long list = rig.allocator.allocate(4096, 4096);
        assertEquals(NvmeStatus.INVALID_OPCODE | DNR, status(1, s -> s.opcode(0x7F).nsid(1).prp1(buf)));
        assertEquals(NvmeStatus.INVALID_NAMESPACE | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(2)
            .prp1(buf).startingLba(0).blockCount(1)));
        assertEquals(NvmeStatus.INVALID_NAMESPACE | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_FLUSH).nsid(5)));
        assertEquals(0, status(1, s -> s.opcode(NvmeOpcodes.IO_FLUSH).nsid(0xFFFF_FFFFL)));
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).startingLba(GIB8_BLOCKS - 1).blockCount(2)));
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_WRITE).nsid(1)
            .prp1(buf).startingLba(-1L).blockCount(1)));
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).prp2(list).startingLba(0).blockCount(1024)), "512 KiB is over MDTS");
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ)
            .flags(1 << SubmissionQueueEntry.FLAGS_PSDT_SHIFT).nsid(1).prp1(buf).startingLba(0).blockCount(1)),
            "SGLs are not supported");
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf + 2).startingLba(0).blockCount(1)));
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).prp2(buf + 4096 + 512).startingLba(0).blockCount(16)), "PRP2 as a page must be aligned");
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).prp2(list + 4).startingLba(0).blockCount(24)), "list pointer must be qword aligned");
        rig.memory.putLong(list, buf + 4096);
        rig.memory.putLong(list + 8, buf + 8192 + 64);
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).prp2(list).startingLba(0).blockCount(24)), "list entries must be page aligned");
        // Refused DMA: data outside the instance's memory, a PRP list outside it.
        final long outside = 1L << 40;
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, status(1, s -> s.opcode(NvmeOpcodes.IO_WRITE).nsid(1)
            .prp1(outside).startingLba(0).blockCount(8)));
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(outside).startingLba(0).blockCount(8)));
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1)
            .prp1(buf).prp2(outside).startingLba(0).blockCount(24)));
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | DNR, status(1, s -> s.opcode(NvmeOpcodes.IO_DATASET_MANAGEMENT)
            .nsid(1).prp1(dsmRange(list, GIB8_BLOCKS - 4, 8)).cdw(11, SubmissionQueueEntry.DSM_ATTRIBUTE_DEALLOCATE)));
        // Still healthy: a good command succeeds, nothing fatal, errors logged.
        assertFalse(c.isFatal());
        assertEquals(0, writeAndWait(1, 0, 8, buf));
        assertEquals(15, c.ioErrors());
        final long log = rig.allocator.allocate(4096, 4096);
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE).nsid(0xFFFF_FFFFL).prp1(log)
            .cdw(10, NvmeOpcodes.LOG_ERROR_INFORMATION | ((64 * 16 - 1) << 16))));
        assertEquals(15, rig.memory.getLong(log + LogPages.ERROR_COUNT_OFFSET), "newest entry first");
        assertEquals(NvmeStatus.LBA_OUT_OF_RANGE | DNR,
            (rig.memory.getInt(log + LogPages.ERROR_STATUS_OFFSET) & 0xFFFF) >>> 1);
        assertEquals(1, rig.memory.getInt(log + LogPages.ERROR_SQID_OFFSET) & 0xFFFF);
    }

    private long dsmRange(final long at, final long lba, final int blocks)
    {
        rig.memory.putInt(at, 0);
        rig.memory.putInt(at + 4, blocks);
        rig.memory.putLong(at + 8, lba);
        return at;
    }

    @Test
    void shouldAnswerEachMalformedAdminCommandWithItsStatus()
    {
        bringUp();
        final long page = rig.allocator.allocate(8192, 4096);
        assertEquals(NvmeStatus.INVALID_OPCODE | DNR, status(0, s -> s.opcode(0xC0)));
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_IDENTIFY).prp1(page)
            .cdw(10, 0x55)));
        assertEquals(NvmeStatus.INVALID_NAMESPACE | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_IDENTIFY).nsid(3)
            .prp1(page).cdw(10, NvmeOpcodes.CNS_NAMESPACE)));
        assertEquals(NvmeStatus.PRP_OFFSET_INVALID | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_IDENTIFY)
            .prp1(page + 1).cdw(10, NvmeOpcodes.CNS_CONTROLLER)));
        assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_IDENTIFY)
            .prp1(1L << 40).cdw(10, NvmeOpcodes.CNS_CONTROLLER)));
        assertEquals(NvmeStatus.INVALID_LOG_PAGE | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE)
            .prp1(page).cdw(10, 0x7F | (127 << 16))));
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE)
            .prp1(page).cdw(10, NvmeOpcodes.LOG_SMART_HEALTH | (127 << 16)).cdw(12, 1024)), "offset past the log");
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE)
            .prp1(page).cdw(10, NvmeOpcodes.LOG_SMART_HEALTH | (127 << 16)).cdw(12, 0).cdw(13, 0x8000_0000)),
            "offset 2^63 (LPOU bit 31, negative as a signed long): past the log, found by NvmeControllerFuzzTest");
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_SET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_VOLATILE_WRITE_CACHE).cdw(11, 1)));
        assertEquals(NvmeStatus.FEATURE_NOT_SAVEABLE | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_SET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_INTERRUPT_COALESCING | SubmissionQueueEntry.FEATURES_SAVE).cdw(11, 0x0A05)));
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_FEATURES)
            .cdw(10, 0x7E)));
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_SET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_INTERRUPT_COALESCING).cdw(11, 0x0A05)));
        assertEquals(0x0A05, command(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_INTERRUPT_COALESCING))[1]);
        assertEquals(NvmeStatus.INVALID_FIELD | DNR, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_CREATE_IO_SQ)
            .flags(1).prp1(page).createQueue(2, 16, 1 | (1 << 16))), "fused admin command");
        assertEquals(1, command(0, s -> s.opcode(NvmeOpcodes.ADMIN_ABORT).cdw(10, 1 << 16))[1], "not aborted");
    }

    @Test
    void shouldTransferThroughPrp2AndChainedPrpLists()
    {
        bringUp();
        final SplittableRandom random = new SplittableRandom(3);
        final long buf = rig.allocator.allocate(256 * 1024, 4096);
        final long back = rig.allocator.allocate(256 * 1024, 4096);
        // Two pages through PRP2, then 64 pages through a PRP list.
        for (final int bytes : new int[] {8192, 256 * 1024})
        {
            final byte[] data = new byte[bytes];
            random.nextBytes(data);
            rig.memory.putBytes(buf, data);
            rig.memory.fill(back, bytes, (byte)0);
            assertEquals(0, writeAndWait(1, 100, bytes / 512, buf));
            assertEquals(0, readAndWait(2, 100, bytes / 512, back));
            assertArrayEquals(data, rig.memory.getBytes(back, bytes));
        }
        // 16 KiB whose PRP list starts 16 bytes before a page end: one entry, then a chain to the next list page.
        final long lists = rig.allocator.allocate(8192, 4096);
        final long listStart = lists + 4096 - 16;
        rig.memory.putLong(listStart, back + 4096);
        rig.memory.putLong(listStart + 8, lists + 4096);
        rig.memory.putLong(lists + 4096, back + 8192);
        rig.memory.putLong(lists + 4096 + 8, back + 12288);
        rig.memory.fill(back, 16384, (byte)0);
        assertEquals(0, status(1, s -> s.opcode(NvmeOpcodes.IO_READ).nsid(1).prp1(back).prp2(listStart)
            .startingLba(100).blockCount(32)));
        assertArrayEquals(rig.memory.getBytes(buf, 16384), rig.memory.getBytes(back, 16384));
    }

    @Test
    void shouldReadZerosAfterDeallocate()
    {
        bringUp();
        final long buf = rig.allocator.allocate(65536, 4096);
        rig.memory.fill(buf, 65536, (byte)0x77);
        assertEquals(0, writeAndWait(1, 2048, 128, buf));
        final long tag = nextTag++;
        assertTrue(d.submitDeallocate(1, 2048 + 16, 64, tag) >= 0);
        run(5);
        assertEquals(0, done.get(tag)[0]);
        assertEquals(0, readAndWait(1, 2048, 128, buf));
        final byte[] expected = new byte[65536];
        java.util.Arrays.fill(expected, 0, 16 * 512, (byte)0x77);
        java.util.Arrays.fill(expected, 80 * 512, 65536, (byte)0x77);
        assertArrayEquals(expected, rig.memory.getBytes(buf, 65536));
    }

    @Test
    void shouldCountSmartDataUnitsAndHostCommands()
    {
        bringUp();
        final long buf = rig.allocator.allocate(256 * 1024, 4096);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(0, writeAndWait(1, i * 512L, 512, buf));
        }
        assertEquals(0, readAndWait(1, 0, 512, buf));
        final long log = rig.allocator.allocate(4096, 4096);
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_LOG_PAGE).nsid(0xFFFF_FFFFL).prp1(log)
            .cdw(10, NvmeOpcodes.LOG_SMART_HEALTH | (127 << 16))));
        // 1 MiB written = 2.048 units of 512000 B, rounded up; 256 KiB read = 0.512 -> 1.
        assertEquals(3, rig.memory.getLong(log + LogPages.SMART_DATA_UNITS_WRITTEN_OFFSET));
        assertEquals(1, rig.memory.getLong(log + LogPages.SMART_DATA_UNITS_READ_OFFSET));
        assertEquals(4, rig.memory.getLong(log + LogPages.SMART_HOST_WRITE_COMMANDS_OFFSET));
        assertEquals(1, rig.memory.getLong(log + LogPages.SMART_HOST_READ_COMMANDS_OFFSET));
        assertEquals(4L << 18, c.writeBytes());
    }

    @Test
    void shouldWrapPhaseTagsAndReportTheSqHead()
    {
        bringUp(1, 4, false, 512); // 4 entries: 3 commands at a time, the CQ wraps every 4 completions
        final long buf = rig.allocator.allocate(4096, 4096);
        int completed = 0;
        for (int round = 0; round < 10; round++)
        {
            final long first = nextTag;
            for (int i = 0; i < 3; i++)
            {
                assertTrue(d.submitWrite(1, round * 8L + i, 1, buf, nextTag++) >= 0);
            }
            assertEquals(-1, d.submitWrite(1, 0, 1, buf, 999), "a queue of 4 holds 3");
            run(5);
            for (long t = first; t < first + 3; t++)
            {
                assertEquals(0, done.get(t)[0]);
                completed++;
            }
            // All three were fetched before any completed: the SQ head is the tail after them.
            assertEquals((round * 3 + 3) % 4, done.get(first + 2)[2]);
        }
        assertEquals(30, completed);
        assertEquals(30, c.writeOps());
    }

    @Test
    void shouldSignalTheVectorOfEachCompletionQueue()
    {
        bringUp(2, 16, true, 512);
        router.vectors.clear();
        final long buf = rig.allocator.allocate(4096, 4096);
        assertEquals(0, writeAndWait(2, 0, 8, buf));
        assertEquals(java.util.List.of(EbsRig.FIRST_VECTOR + 2), router.vectors);
        assertEquals(0, writeAndWait(1, 0, 8, buf));
        assertEquals(java.util.List.of(EbsRig.FIRST_VECTOR + 2, EbsRig.FIRST_VECTOR + 1), router.vectors);
        assertEquals(0, status(0, s -> s.opcode(NvmeOpcodes.ADMIN_GET_FEATURES)
            .cdw(10, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES)));
        assertEquals(EbsRig.FIRST_VECTOR, router.vectors.get(2).intValue());
    }

    @Test
    void shouldSetFatalStatusWhenAdminQueueDmaIsRefusedAndRecoverByReset()
    {
        bringUp();
        rig.memory.refuseAll(true);
        sqe.wrap(cmd, 0).clear().opcode(NvmeOpcodes.ADMIN_GET_FEATURES).cdw(10, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES);
        assertTrue(d.submitRaw(0, cmd, 0, 77) >= 0);
        run(5);
        assertEquals(NvmeRegisters.CSTS_CFS, csts() & NvmeRegisters.CSTS_CFS);
        assertTrue(c.isFatal());
        rig.memory.refuseAll(false);
        c.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, 0);
        run(1);
        assertEquals(0, csts());
        d.restart();
        run(10);
        assertTrue(d.isReady(), () -> d.state() + ": " + d.failureReason());
        final long buf = rig.allocator.allocate(4096, 4096);
        assertEquals(0, writeAndWait(1, 0, 8, buf));
    }

    @Test
    void shouldSetFatalStatusOnAMisalignedAdminQueue()
    {
        bringUp();
        c.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, 0);
        run(1);
        assertEquals(0, csts());
        c.mmioWrite(0, NvmeRegisters.AQA_OFFSET, 4, NvmeRegisters.encodeAqa(8, 8));
        c.mmioWrite(0, NvmeRegisters.ASQ_OFFSET, 8, 0x10_0800L);
        c.mmioWrite(0, NvmeRegisters.ACQ_OFFSET, 8, 0x20_0000L);
        c.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, NvmeRegisters.CC_EN);
        run(1);
        assertEquals(NvmeRegisters.CSTS_CFS, csts());
    }

    @Test
    void shouldResetQueuesOnCcEnClearAndKeepTheData()
    {
        bringUp();
        final long buf = rig.allocator.allocate(4096, 4096);
        rig.memory.fill(buf, 4096, (byte)0x3C);
        assertEquals(0, writeAndWait(1, 40, 8, buf));
        c.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, 0);
        run(1);
        assertEquals(0, csts());
        final long invalid = c.invalidDoorbells();
        c.mmioWrite(0, NvmeRegisters.sqTailDoorbellOffset(1, 0), 4, 1);
        run(1);
        assertEquals(invalid + 1, c.invalidDoorbells(), "SQ 1 no longer exists");
        d.restart();
        run(10);
        assertTrue(d.isReady());
        rig.memory.fill(buf, 4096, (byte)0);
        assertEquals(0, readAndWait(1, 40, 8, buf));
        final byte[] expected = new byte[4096];
        java.util.Arrays.fill(expected, (byte)0x3C);
        assertArrayEquals(expected, rig.memory.getBytes(buf, 4096));
        d.shutdown();
        run(1);
        assertTrue(d.isShutdownComplete());
    }

    @Test
    void shouldVerifyFioWritesAndRandomMixes()
    {
        rig = new EbsRig(CAPS, 32 << 20, dir, null);
        final FioWorkload seq = rig.fio(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"),
            NvmeDriver.config().ioQueuePairs(2), 9,
            FioJob.builder("seqverify").rw(FioJob.Rw.WRITE).blockSizeBytes(64 * 1024).iodepth(8).numjobs(2)
                .sizeBytes(4L << 20).verify(true).build(),
            FioJob.builder("mix").rw(FioJob.Rw.RANDRW).rwmixread(50).blockSizeBytes(4096).iodepth(8)
                .offsetBytes(64L << 20).sizeBytes(1L << 20).runtimeNs(200_000_000L).verify(true).build());
        rig.runUntilDone(10_000_000_000L);
        assertTrue(seq.isDone());
        final java.util.List<FioResult> results = seq.results();
        assertEquals(3, results.size());
        assertEquals(64, results.get(0).writeOps());
        assertEquals(64, results.get(0).verifiedBlocks());
        assertEquals(64, results.get(1).verifiedBlocks());
        assertTrue(results.get(2).verifiedBlocks() > 20, results.get(2).toString());
        assertEquals(0, seq.total().verifyErrors());
        assertEquals(0, seq.total().errors());
        System.out.println(seq.total());
    }

    @Test
    void shouldSplitABlockAboveMdtsIntoContiguousCommandsAndVerifyIt()
    {
        rig = new EbsRig(CAPS, 64 << 20, dir, null);
        // 1 MiB blocks are four 256 KiB commands; an SQ of 8 entries (7 usable) cannot take two blocks at once.
        final FioWorkload w = rig.fio(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"),
            NvmeDriver.config().queueEntries(8), 9, FioJob.builder("big").rw(FioJob.Rw.WRITE).blockSizeBytes(1 << 20)
                .iodepth(4).sizeBytes(8L << 20).verify(true).build());
        rig.runUntilDone(10_000_000_000L);
        assertTrue(w.isDone());
        final FioResult r = w.total();
        assertEquals(8, r.writeOps(), "fio counts its blocks");
        assertEquals(8L << 20, r.writeBytes());
        assertEquals(8, r.verifiedBlocks());
        assertEquals(0, r.verifyErrors());
        assertEquals(0, r.errors());
        final NvmeController c = rig.card.controllers().get(0);
        assertEquals(32, c.writeOps(), "the device sees MDTS-sized commands");
        assertEquals(8L << 20, c.writeBytes());
    }

    @Test
    void shouldCountAVerifyErrorWhenTheDataChangesUnderneath()
    {
        rig = new EbsRig(CAPS, 32 << 20, dir, null);
        final FioWorkload w = rig.fio(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"),
            NvmeDriver.config(), 9, FioJob.builder("v").rw(FioJob.Rw.WRITE).blockSizeBytes(4096).iodepth(1)
                .sizeBytes(64 * 1024).verify(true).build());
        // Run the write phase (16 writes of 0.5 ms), then overwrite block 3 behind fio's back through the backend.
        rig.runtime.runUntil(8_200_000L);
        assertEquals(16, w.results().get(0).writeOps());
        final org.agrona.concurrent.UnsafeBuffer junk = new org.agrona.concurrent.UnsafeBuffer(new byte[4096]);
        assertTrue(rig.backend.submitWrite(1L << 61, c0(), 3 * 4096L, junk, 0, 4096));
        rig.runUntilDone(1_000_000_000L);
        assertEquals(1, w.total().verifyErrors());
        assertEquals(16, w.total().verifiedBlocks());
    }

    private io.nitrosim.ebs.volume.VolumeId c0()
    {
        return rig.card.controllers().get(0).volumeSpec().volumeId();
    }
}

package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.storage.StorageBackend;
import io.nitrosim.ebs.storage.StorageCompletionHandler;
import io.nitrosim.ebs.storage.StorageOp;
import io.nitrosim.ebs.storage.StorageStatus;
import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.pci.CheckedDmaWindow;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.queue.FunctionSetup;
import io.nitrosim.time.VirtualTimeRuntime;

/**
 * Fuzzes the EBS NVMe controller as a hostile guest driver would: the input is a sequence of actions (admin and
 * I/O submission queue entries with any opcode, flags, NSID, PRP1/PRP2, LBA, length and CDW10-15; PRP lists placed
 * in guest memory; writes to any BAR0 register, CC/AQA/ASQ/ACQ included; doorbells with any value; function level
 * resets; virtual time passing), run against one controller on a 256 KiB guest memory behind an IOMMU window
 * (the {@link FakeGuestMemory} the NVMe tests use), with a data-mode card over an in-memory backend. By default
 * the harness first brings the controller up (admin queues, one I/O queue pair) so inputs reach the I/O path.
 * <p>
 * Invariants: no exception escapes the controller, the card or the runtime (a guest mistake is an NVMe status or
 * CSTS.CFS); every command the harness submitted in order completes once the guest keeps its CQs drained, unless
 * the controller is fatal, shut down or reset, its SQ was deleted, or the input wrote raw doorbells or let
 * data overlap the queues (then the queues' contents are the guest's own garbage); no DMA write lands on a byte
 * no command named (an admin CQ, an I/O CQ some Create I/O CQ named, or the data pages of a read, Identify or Get
 * Log Page resolved from its PRPs and PRP lists); every access the IOMMU window refused is counted by the DMA
 * port ({@code pci.dma.refused.window}). Regression inputs: {@code NvmeControllerFuzzTestInputs} in the test
 * resources (the default suite replays them); {@code -Pfuzz} fuzzes.
 */
class NvmeControllerFuzzTest
{
    static final int PAGE = 4096;
    static final int MEMORY_BYTES = 64 * PAGE;
    static final long ADMIN_SQ = 0;
    static final long ADMIN_CQ = PAGE;
    static final long IO_SQ = 2 * PAGE;
    static final long IO_CQ = 3 * PAGE;
    static final int QUEUE_PAGES = 4;
    static final int ADMIN_ENTRIES = 64;
    static final int MAX_ACTIONS = 96;
    static final int MAX_QID = NvmeController.MAX_IO_QUEUES;

    private static Bed bed;

    @FuzzTest(maxDuration = "10m")
    void shouldCompleteOrRefuseEveryCommand(final FuzzedDataProvider data)
    {
        if (bed == null)
        {
            bed = new Bed();
        }
        new Guest(bed, data).play();
    }

    /** One card, one controller and guest memory, shared by every input and reset between them. */
    static final class Bed
    {
        final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
        final FakeGuestMemory memory = new FakeGuestMemory(0, MEMORY_BYTES);
        final NamedRegions window = new NamedRegions(memory);
        final EbsCard card;
        final NvmeController controller;

        Bed()
        {
            card = EbsCard.context().instanceId("i-0123456789abcdef0")
                .caps(EbsInstanceCaps.ofMbps(9000, 9000, 64000, 64000, 0)).clock(runtime.clock())
                .registry(new CounterRegistry()).backend(new MemoryBackend()).build();
            runtime.add(card);
            controller = card.attach(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"));
            controller.connect(window.window, (address, value) -> { });
            runtime.add(controller.agent());
        }

        /** A fresh start for an input: function level reset, memory zeroed, the window's records cleared. */
        void begin()
        {
            controller.functionLevelReset();
            run(1_000_000);
            memory.buffer().setMemory(0, MEMORY_BYTES, (byte)0);
            window.reset();
            final FunctionAccess access = FunctionAccess.of(controller);
            FunctionSetup.enableMemoryAndBusMaster(access);
            FunctionSetup.programMsix(access, FunctionSetup.msixCapability(access), NvmeController.MSIX_VECTORS,
                0xFEE0_0000L, 0x40);
        }

        void run(final long ns)
        {
            runtime.runUntil(runtime.clock().nanoTime() + ns);
        }
    }

    /** The guest driver: acts out the input, keeps its CQs drained, then checks the invariants. */
    static final class Guest
    {
        private final Bed bed;
        private final NvmeController c;
        private final FakeGuestMemory memory;
        private final FuzzedDataProvider data;
        private final UnsafeBuffer cmd = new UnsafeBuffer(new byte[SubmissionQueueEntry.LENGTH]);
        private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
        private final CompletionQueueEntry cqe = new CompletionQueueEntry();
        private final Map<Integer, Pending> pending = new LinkedHashMap<>();
        private final long[] sqBase = new long[MAX_QID + 1];
        private final int[] sqEntries = new int[MAX_QID + 1];
        private final int[] sqTail = new int[MAX_QID + 1];
        private final int[] sqHead = new int[MAX_QID + 1];
        private final long[] cqBase = new long[MAX_QID + 1];
        private final int[] cqEntries = new int[MAX_QID + 1];
        private final int[] cqHead = new int[MAX_QID + 1];
        private final boolean[] cqPhase = new boolean[MAX_QID + 1];
        private final long refusedBefore;
        private int nextCid = 1;
        private boolean enabled;
        private boolean shutdown;
        /** Raw doorbells or data overlapping the queues: what the guest reads from its CQs may be its own garbage. */
        private boolean desynced;
        private int completions;

        Guest(final Bed bed, final FuzzedDataProvider data)
        {
            this.bed = bed;
            this.c = bed.controller;
            this.memory = bed.memory;
            this.data = data;
            bed.begin();
            this.refusedBefore = c.dma().refusedByWindowCount();
        }

        void play()
        {
            if (!data.consumeBoolean())
            {
                bringUp();
            }
            for (int a = 0; a < MAX_ACTIONS && data.remainingBytes() > 0; a++)
            {
                act(data.consumeInt(0, 8));
            }
            quiesce();
            check();
        }

        private void bringUp()
        {
            register(NvmeRegisters.AQA_OFFSET, 4, ((ADMIN_ENTRIES - 1) << 16) | (ADMIN_ENTRIES - 1));
            register(NvmeRegisters.ASQ_OFFSET, 8, ADMIN_SQ);
            register(NvmeRegisters.ACQ_OFFSET, 8, ADMIN_CQ);
            register(NvmeRegisters.CC_OFFSET, 4, NvmeRegisters.CC_EN | (6 << NvmeRegisters.CC_IOSQES_SHIFT)
                | (4 << NvmeRegisters.CC_IOCQES_SHIFT));
            admin(NvmeOpcodes.ADMIN_SET_FEATURES, 0, 0, 0, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES, 3 | (3 << 16), 0);
            admin(NvmeOpcodes.ADMIN_CREATE_IO_CQ, 0, IO_CQ, 0, (63 << 16) | 1, 0x3 | (1 << 16), 0);
            admin(NvmeOpcodes.ADMIN_CREATE_IO_SQ, 0, IO_SQ, 0, (63 << 16) | 1, 0x1 | (1 << 16), 0);
            bed.run(1_000_000);
            drain();
            // One write and one 8 KiB read (PRP1 + PRP2), so every brought-up input has data moved both ways.
            sqe.wrap(cmd, 0).clear().opcode(NvmeOpcodes.IO_WRITE).nsid(1).prp1(8 * PAGE).cdw(12, 7);
            submit(1);
            sqe.wrap(cmd, 0).clear().opcode(NvmeOpcodes.IO_READ).nsid(1).prp1(9 * PAGE).prp2(10 * PAGE).cdw(12, 15);
            submit(1);
        }

        private void act(final int action)
        {
            switch (action)
            {
                case 0:
                    admin(adminOpcode(), nsid(), address(), address(), cdw(), cdw(), data.consumeInt());
                    break;
                case 1:
                case 2:
                    io(data.consumeInt(1, 4));
                    break;
                case 3:
                    prpList(address(), data.consumeInt(1, 72));
                    break;
                case 4:
                    register(registerOffset(), data.consumeBoolean() ? 8 : 4, data.consumeLong());
                    break;
                case 5:
                    desynced = true;
                    c.mmioWrite(0, NvmeRegisters.DOORBELL_BASE_OFFSET + 4L * data.consumeInt(0, 2 * MAX_QID + 3), 4,
                        data.consumeInt() & 0xFFFF_FFFFL);
                    break;
                case 6:
                    bed.run(data.consumeLong(0, 50_000_000L));
                    drain();
                    break;
                case 7:
                    c.functionLevelReset();
                    bed.run(1_000);
                    final FunctionAccess access = FunctionAccess.of(c);
                    FunctionSetup.enableMemoryAndBusMaster(access);
                    forget();
                    break;
                default:
                    final byte[] junk = data.consumeBytes(data.consumeInt(1, 256));
                    final long at = address();
                    if (memory.contains(at, junk.length))
                    {
                        memory.putBytes(at, junk);
                        desynced |= at < QUEUE_PAGES * PAGE || overlapsQueues(at, junk.length, -1);
                    }
                    break;
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Inputs

        private int adminOpcode()
        {
            final int[] known = {NvmeOpcodes.ADMIN_DELETE_IO_SQ, NvmeOpcodes.ADMIN_CREATE_IO_SQ,
                NvmeOpcodes.ADMIN_GET_LOG_PAGE, NvmeOpcodes.ADMIN_DELETE_IO_CQ, NvmeOpcodes.ADMIN_CREATE_IO_CQ,
                NvmeOpcodes.ADMIN_IDENTIFY, NvmeOpcodes.ADMIN_ABORT, NvmeOpcodes.ADMIN_SET_FEATURES,
                NvmeOpcodes.ADMIN_GET_FEATURES, NvmeOpcodes.ADMIN_ASYNC_EVENT_REQUEST};
            return data.consumeBoolean() ? data.pickValue(known) : data.consumeInt(0, 255);
        }

        private long nsid()
        {
            return data.pickValue(new long[] {1, 0, 2, 0xFFFF_FFFFL, 0xFFFF_FFFEL, data.consumeInt() & 0xFFFF_FFFFL});
        }

        /** A guest address: mostly a page of (or just past) guest memory with an offset, sometimes any value. */
        private long address()
        {
            switch (data.consumeInt(0, 3))
            {
                case 0:
                    return data.consumeLong();
                case 1:
                    return (long)data.consumeInt(QUEUE_PAGES, 70) * PAGE + 4L * data.consumeInt(0, 1023);
                default:
                    return (long)data.consumeInt(QUEUE_PAGES, 66) * PAGE;
            }
        }

        /** A command dword: small structured values (queue ids and sizes, counts) as often as any value. */
        private int cdw()
        {
            return data.consumeBoolean() ? (data.consumeInt(0, 1023) << 16) | data.consumeInt(0, 40) : data.consumeInt();
        }

        private int registerOffset()
        {
            return data.pickValue(new int[] {NvmeRegisters.CC_OFFSET, NvmeRegisters.CC_OFFSET, NvmeRegisters.AQA_OFFSET,
                NvmeRegisters.ASQ_OFFSET, NvmeRegisters.ACQ_OFFSET, NvmeRegisters.INTMS_OFFSET,
                NvmeRegisters.CSTS_OFFSET, NvmeRegisters.NSSR_OFFSET, data.consumeInt(0, NvmeController.BAR0_SIZE / 4) * 4});
        }

        private void prpList(final long at, final int entries)
        {
            desynced |= at < QUEUE_PAGES * PAGE || overlapsQueues(at, 8L * entries, -1);
            for (int i = 0; i < entries && memory.contains(at + 8L * i, 8); i++)
            {
                memory.putLong(at + 8L * i, data.consumeBoolean() ? address() : (long)data.consumeInt(QUEUE_PAGES, 63) * PAGE);
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // The guest's side of the queues

        private void register(final int offset, final int size, final long value)
        {
            final boolean wasEnabled = (c.mmioRead(0, NvmeRegisters.CC_OFFSET, 4) & NvmeRegisters.CC_EN) != 0;
            if (offset >= NvmeRegisters.DOORBELL_BASE_OFFSET && offset < NvmeRegisters.DOORBELL_BASE_OFFSET + 0x1000)
            {
                desynced = true;
            }
            final long written = offset == NvmeRegisters.CC_OFFSET ? value : offset == NvmeRegisters.CC_OFFSET - 4 && size == 8
                ? value >>> 32 : 0;
            if (!wasEnabled && (written & NvmeRegisters.CC_EN) != 0)
            {
                zeroCompletionQueue(c.mmioRead(0, NvmeRegisters.ACQ_OFFSET, 8),
                    (((int)c.mmioRead(0, NvmeRegisters.AQA_OFFSET, 4) >>> 16) & 0xFFF) + 1);
            }
            c.mmioWrite(0, offset, size, size == 4 ? value & 0xFFFF_FFFFL : value);
            bed.run(1_000);
            if (offset > NvmeRegisters.CC_OFFSET - size && offset <= NvmeRegisters.CC_OFFSET)
            {
                final int cc = (int)c.mmioRead(0, NvmeRegisters.CC_OFFSET, 4);
                final boolean en = (cc & NvmeRegisters.CC_EN) != 0;
                if (en && !wasEnabled)
                {
                    forget();
                    latchAdminQueues();
                }
                else if (!en && wasEnabled)
                {
                    forget();
                }
                if (en && NvmeRegisters.ccShutdownNotification(cc) != NvmeRegisters.CC_SHN_NONE)
                {
                    shutdown = true;
                }
                enabled = (c.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4) & NvmeRegisters.CSTS_RDY) != 0;
            }
        }

        /** What a driver does before it hands a CQ to the controller: no stale entry may look new (phase 1). */
        private void zeroCompletionQueue(final long base, final int entries)
        {
            final long length = (long)entries * CompletionQueueEntry.LENGTH;
            if (memory.contains(base, length))
            {
                memory.fill(base, (int)length, (byte)0);
            }
        }

        /** CC.EN 0 -> 1: the admin queues are where AQA/ASQ/ACQ say (the window decides whether they are reachable). */
        private void latchAdminQueues()
        {
            final int aqa = (int)c.mmioRead(0, NvmeRegisters.AQA_OFFSET, 4);
            sqBase[0] = c.mmioRead(0, NvmeRegisters.ASQ_OFFSET, 8);
            sqEntries[0] = (aqa & 0xFFF) + 1;
            cqBase[0] = c.mmioRead(0, NvmeRegisters.ACQ_OFFSET, 8);
            cqEntries[0] = ((aqa >>> 16) & 0xFFF) + 1;
            cqPhase[0] = true;
            bed.window.allow(cqBase[0], (long)cqEntries[0] * CompletionQueueEntry.LENGTH);
            desynced |= overlaps(sqBase[0], (long)sqEntries[0] * SubmissionQueueEntry.LENGTH, cqBase[0],
                (long)cqEntries[0] * CompletionQueueEntry.LENGTH)
                || !memory.contains(sqBase[0], (long)sqEntries[0] * SubmissionQueueEntry.LENGTH);
        }

        /** A reset: every queue gone, every outstanding command forgotten by the controller. */
        private void forget()
        {
            pending.clear();
            java.util.Arrays.fill(sqEntries, 0);
            java.util.Arrays.fill(cqEntries, 0);
            java.util.Arrays.fill(sqTail, 0);
            java.util.Arrays.fill(sqHead, 0);
            java.util.Arrays.fill(cqHead, 0);
            enabled = false;
            shutdown = false;
        }

        private void admin(final int opcode, final long nsid, final long prp1, final long prp2, final int cdw10,
            final int cdw11, final int cdw12)
        {
            sqe.wrap(cmd, 0).clear().opcode(opcode).nsid(nsid).prp1(prp1).prp2(prp2).cdw(10, cdw10).cdw(11, cdw11)
                .cdw(12, cdw12);
            if (data.remainingBytes() > 0 && data.consumeInt(0, 7) == 0)
            {
                sqe.flags(data.consumeInt(0, 255)).cdw(13, data.consumeInt()).cdw(14, data.consumeInt())
                    .cdw(15, data.consumeInt());
            }
            submit(0);
        }

        private void io(final int qid)
        {
            final int opcode = data.consumeBoolean()
                ? data.pickValue(new int[] {NvmeOpcodes.IO_READ, NvmeOpcodes.IO_WRITE, NvmeOpcodes.IO_FLUSH,
                NvmeOpcodes.IO_DATASET_MANAGEMENT}) : data.consumeInt(0, 255);
            final long blocks = c.namespaceBlocks();
            final long slba = data.pickValue(new long[] {data.consumeLong(0, 4096), blocks - data.consumeInt(0, 70),
                data.consumeLong()});
            final int nlb = data.consumeBoolean() ? data.consumeInt(0, 520) : data.consumeInt(0, 0xFFFF);
            final long prp1 = address();
            long prp2 = address();
            if (data.consumeBoolean())
            {
                prpList(prp2, data.consumeInt(1, 72));
            }
            sqe.wrap(cmd, 0).clear().opcode(opcode).nsid(data.consumeInt(0, 7) == 0 ? nsid() : 1).prp1(prp1).prp2(prp2)
                .cdw(10, opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT ? data.consumeInt(0, 300) : (int)slba)
                .cdw(11, opcode == NvmeOpcodes.IO_DATASET_MANAGEMENT ? data.consumeInt(0, 7) : (int)(slba >>> 32))
                .cdw(12, nlb | (data.consumeBoolean() ? data.consumeInt() & 0xFFFF_0000 : 0));
            if (data.consumeInt(0, 7) == 0)
            {
                sqe.flags(data.consumeInt(0, 255)).cdw(13, data.consumeInt()).cdw(14, data.consumeInt())
                    .cdw(15, data.consumeInt());
            }
            submit(qid);
        }

        /** Places the command at the SQ's tail (unique CID), rings the tail doorbell. */
        private void submit(final int qid)
        {
            final int entries = sqEntries[qid];
            final long at = sqBase[qid] + (long)sqTail[qid] * SubmissionQueueEntry.LENGTH;
            if (entries == 0 || (sqTail[qid] + 1) % entries == sqHead[qid] || !memory.contains(at, SubmissionQueueEntry.LENGTH))
            {
                c.mmioWrite(0, NvmeRegisters.DOORBELL_BASE_OFFSET + 8L * qid, 4, 1); // no such queue, or full
                return;
            }
            final int cid = nextCid++ & 0xFFFF;
            sqe.commandId(cid);
            memory.buffer().putBytes(memory.index(at), cmd, 0, SubmissionQueueEntry.LENGTH);
            final Pending p = new Pending(qid, sqe.opcode(), sqe.prp1(), sqe.prp2(), sqe.cdw10(), sqe.cdw11(), sqe.cdw(12));
            pending.put(cid, p);
            final long[] named = bed.window.allowCommand(p, c.blockSizeBytes());
            for (int i = 0; i < named.length && !(qid == 0 && p.opcode() == NvmeOpcodes.ADMIN_CREATE_IO_CQ); i += 2)
            {
                desynced |= overlapsQueues(named[i], named[i + 1], -1) || named[i] < QUEUE_PAGES * PAGE;
            }
            sqTail[qid] = (sqTail[qid] + 1) % entries;
            c.mmioWrite(0, NvmeRegisters.DOORBELL_BASE_OFFSET + 8L * qid, 4, sqTail[qid]);
            bed.run(data.remainingBytes() > 0 && data.consumeBoolean() ? 1_000 : 200_000);
            drain();
        }

        private boolean overlapsQueues(final long start, final long length, final int exceptQid)
        {
            for (int q = 0; q <= MAX_QID; q++)
            {
                if ((q != exceptQid && sqEntries[q] > 0 && overlaps(start, length, sqBase[q], (long)sqEntries[q] * 64))
                    || (cqEntries[q] > 0 && overlaps(start, length, cqBase[q], (long)cqEntries[q] * 16)))
                {
                    return true;
                }
            }
            return false;
        }

        private static boolean overlaps(final long a, final long aLength, final long b, final long bLength)
        {
            return a < b + bLength && b < a + aLength;
        }

        /** Reads every CQ the guest knows, records completions, answers each with its head doorbell. */
        private void drain()
        {
            for (int round = 0; round < 4; round++)
            {
                boolean any = false;
                for (int q = 0; q <= MAX_QID; q++)
                {
                    any |= drain(q);
                }
                if (!any)
                {
                    return;
                }
                bed.run(1_000);
            }
        }

        private boolean drain(final int q)
        {
            final int entries = cqEntries[q];
            if (entries == 0)
            {
                return false;
            }
            int taken = 0;
            while (taken < entries)
            {
                final long at = cqBase[q] + (long)cqHead[q] * CompletionQueueEntry.LENGTH;
                if (!memory.contains(at, CompletionQueueEntry.LENGTH))
                {
                    return false;
                }
                cqe.wrap(memory.buffer(), memory.index(at));
                if (cqe.phase() != cqPhase[q])
                {
                    break;
                }
                onCompletion(q, cqe.sqId(), cqe.sqHead(), cqe.commandId(), cqe.status(), cqe.dw0());
                if (cqEntries[q] == 0)
                {
                    break; // the completion deleted this CQ, or a reset
                }
                cqHead[q] = (cqHead[q] + 1) % entries;
                cqPhase[q] ^= cqHead[q] == 0;
                taken++;
            }
            if (taken > 0 && cqEntries[q] > 0)
            {
                c.mmioWrite(0, NvmeRegisters.DOORBELL_BASE_OFFSET + 8L * q + 4, 4, cqHead[q]);
            }
            return taken > 0;
        }

        private void onCompletion(final int cq, final int sq, final int head, final int cid, final int status, final int dw0)
        {
            completions++;
            final Pending p = pending.get(cid);
            if (p == null || sq != p.sq)
            {
                return; // junk the guest wrote into its own queues
            }
            pending.remove(cid);
            if (sq <= MAX_QID && sqEntries[sq] > 0 && head < sqEntries[sq])
            {
                sqHead[sq] = head;
            }
            if (sq != 0 || status != NvmeStatus.SUCCESS)
            {
                return;
            }
            final int qid = p.cdw10 & 0xFFFF;
            switch (p.opcode)
            {
                case NvmeOpcodes.ADMIN_CREATE_IO_CQ:
                    zeroCompletionQueue(p.prp1, (p.cdw10 >>> 16) + 1);
                    cqBase[qid] = p.prp1;
                    cqEntries[qid] = (p.cdw10 >>> 16) + 1;
                    cqHead[qid] = 0;
                    cqPhase[qid] = true;
                    desynced |= !memory.contains(p.prp1, (long)cqEntries[qid] * 16);
                    cqEntries[qid] = 0;
                    desynced |= overlapsQueues(p.prp1, (long)((p.cdw10 >>> 16) + 1) * 16, -1);
                    cqEntries[qid] = (p.cdw10 >>> 16) + 1;
                    break;
                case NvmeOpcodes.ADMIN_CREATE_IO_SQ:
                    desynced |= overlapsQueues(p.prp1, (long)((p.cdw10 >>> 16) + 1) * 64, -1);
                    sqBase[qid] = p.prp1;
                    sqEntries[qid] = (p.cdw10 >>> 16) + 1;
                    sqTail[qid] = 0;
                    sqHead[qid] = 0;
                    break;
                case NvmeOpcodes.ADMIN_DELETE_IO_SQ:
                    sqEntries[qid] = 0;
                    pending.values().removeIf(other -> other.sq == qid); // unfetched commands of a deleted SQ
                    break;
                case NvmeOpcodes.ADMIN_DELETE_IO_CQ:
                    cqEntries[qid] = 0;
                    break;
                default:
                    break;
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Checks

        private void quiesce()
        {
            for (int round = 0; round < 20 && !pending.isEmpty(); round++)
            {
                bed.run(5_000_000);
                drain();
            }
        }

        private void check()
        {
            assertEquals(List.of(), bed.window.window.violations(), "DMA writes outside every region a command named");
            assertEquals(bed.window.window.refused(), c.dma().refusedByWindowCount() - refusedBefore,
                "every access the IOMMU window refused is counted");
            final int csts = (int)c.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
            assertEquals(c.isFatal(), (csts & NvmeRegisters.CSTS_CFS) != 0, "CSTS.CFS is the controller's fatal state");
            if (c.isFatal() || shutdown || desynced || !enabled)
            {
                return;
            }
            pending.values().removeIf(p -> p.sq == 0 && p.opcode == NvmeOpcodes.ADMIN_ASYNC_EVENT_REQUEST);
            pending.values().removeIf(p -> sqEntries[p.sq] == 0);
            assertTrue(pending.isEmpty(), () -> "commands never completed: " + pending + " (CSTS 0x"
                + Integer.toHexString(csts) + ", " + completions + " completions seen)");
        }
    }

    /** A command as the guest submitted it, with what it names. */
    record Pending(int sq, int opcode, long prp1, long prp2, int cdw10, int cdw11, int cdw12)
    {
        /** Bytes the controller may write for it (0: it writes nothing, only reads). */
        long writeLength(final int blockBytes)
        {
            if (sq != 0)
            {
                return opcode == NvmeOpcodes.IO_READ ? (long)((cdw12 & 0xFFFF) + 1) * blockBytes : 0;
            }
            switch (opcode)
            {
                case NvmeOpcodes.ADMIN_IDENTIFY:
                    return PAGE;
                case NvmeOpcodes.ADMIN_GET_LOG_PAGE:
                    return 4L * ((((cdw10 >>> 16) & 0xFFFF) | ((long)(cdw11 & 0xFFFF) << 16)) + 1);
                default:
                    return 0;
            }
        }
    }

    /**
     * What the guest's commands name, for the IOMMU window ({@link CheckedDmaWindow}) that records every write
     * outside it: CQ rings and the data pages of commands that write guest memory, resolved from their PRPs.
     */
    static final class NamedRegions
    {
        final FakeGuestMemory memory;
        final CheckedDmaWindow window;
        final List<Pending> commands = new ArrayList<>();
        int blockBytes = 512;

        NamedRegions(final FakeGuestMemory memory)
        {
            this.memory = memory;
            this.window = new CheckedDmaWindow(memory);
            window.widen(this::resolveAgain);
        }

        void reset()
        {
            window.reset();
            commands.clear();
        }

        void allow(final long start, final long length)
        {
            window.allow(start, length);
        }

        /** Marks what a command names (as the PRP rules resolve it from memory now). @return {start, length}... */
        long[] allowCommand(final Pending p, final int blockBytes)
        {
            this.blockBytes = blockBytes;
            commands.add(p);
            if (p.sq() == 0 && p.opcode() == NvmeOpcodes.ADMIN_CREATE_IO_CQ)
            {
                final long length = (long)((p.cdw10() >>> 16) + 1) * CompletionQueueEntry.LENGTH;
                allow(p.prp1(), length);
                return new long[] {p.prp1(), length};
            }
            final long[] named = resolve(p.prp1(), p.prp2(), p.writeLength(blockBytes));
            for (int i = 0; i < named.length; i += 2)
            {
                allow(named[i], named[i + 1]);
            }
            return named;
        }

        /** A PRP list may have changed since a command was submitted: resolve every command again from memory now. */
        private void resolveAgain()
        {
            for (final Pending p : commands)
            {
                if (!(p.sq() == 0 && p.opcode() == NvmeOpcodes.ADMIN_CREATE_IO_CQ))
                {
                    final long[] named = resolve(p.prp1(), p.prp2(), p.writeLength(blockBytes));
                    for (int i = 0; i < named.length; i += 2)
                    {
                        allow(named[i], named[i + 1]);
                    }
                }
            }
        }

        /** The PRP rules (NVMe base specification, PRP entries and lists), written independently of PrpResolver. */
        long[] resolve(final long prp1, final long prp2, final long length)
        {
            final List<Long> out = new ArrayList<>();
            if (length > 0 && length <= (1 << 20))
            {
                final long first = Math.min(length, PAGE - (prp1 & (PAGE - 1)));
                out.add(prp1);
                out.add(first);
                long remaining = length - first;
                if (remaining > 0 && remaining <= PAGE)
                {
                    out.add(prp2);
                    out.add(remaining);
                }
                else if (remaining > 0)
                {
                    long entry = prp2;
                    for (int n = 0; remaining > 0 && n < 1024 && memory.contains(entry, 8); n++)
                    {
                        final long value = memory.getLong(entry);
                        final boolean lastInPage = ((entry + 8) & (PAGE - 1)) == 0;
                        if (lastInPage && remaining > PAGE)
                        {
                            entry = value; // chained to the next list page
                            continue;
                        }
                        out.add(value);
                        out.add(Math.min(remaining, PAGE));
                        remaining -= Math.min(remaining, PAGE);
                        entry += 8;
                    }
                }
            }
            final long[] result = new long[out.size()];
            for (int i = 0; i < result.length; i++)
            {
                result[i] = out.get(i);
            }
            return result;
        }
    }

    /** The storage backend: completes at once in memory; reads return a pattern, writes are dropped. */
    static final class MemoryBackend implements StorageBackend
    {
        private final UnsafeBuffer pattern = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 20));
        private final ArrayDeque<long[]> done = new ArrayDeque<>();

        MemoryBackend()
        {
            pattern.setMemory(0, pattern.capacity(), (byte)0xA5);
        }

        @Override
        public int maxIoBytes()
        {
            return 1 << 20;
        }

        private boolean complete(final long requestId, final int op, final int length)
        {
            done.add(new long[] {requestId, op, length});
            return true;
        }

        @Override
        public boolean submitCreateVolume(final long requestId, final VolumeId volumeId, final long sizeBytes)
        {
            return complete(requestId, StorageOp.CREATE, 0);
        }

        @Override
        public boolean submitWrite(final long requestId, final VolumeId volumeId, final long offsetBytes,
            final DirectBuffer src, final int srcIndex, final int length)
        {
            return complete(requestId, StorageOp.WRITE, 0);
        }

        @Override
        public boolean submitRead(final long requestId, final VolumeId volumeId, final long offsetBytes, final int length)
        {
            return complete(requestId, StorageOp.READ, length);
        }

        @Override
        public boolean submitFlush(final long requestId, final VolumeId volumeId)
        {
            return complete(requestId, StorageOp.FLUSH, 0);
        }

        @Override
        public boolean submitTrim(final long requestId, final VolumeId volumeId, final long offsetBytes,
            final long lengthBytes)
        {
            return complete(requestId, StorageOp.TRIM, 0);
        }

        @Override
        public boolean submitStatus(final long requestId)
        {
            return complete(requestId, StorageOp.STATUS, 0);
        }

        @Override
        public int poll(final StorageCompletionHandler handler, final int limit)
        {
            int n = 0;
            while (n < limit && !done.isEmpty())
            {
                final long[] d = done.poll();
                handler.onCompletion(d[0], (int)d[1], StorageStatus.OK, 0, pattern, 0, (int)d[2]);
                n++;
            }
            return n;
        }

        @Override
        public int inFlight()
        {
            return done.size();
        }

        @Override
        public void close()
        {
        }
    }
}

package io.nitrosim.nic.ena;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.UnsafeBuffer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.pci.CheckedDmaWindow;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.queue.FunctionSetup;

/**
 * Fuzzes an ENA function as a hostile guest driver would: the input is a sequence of actions (admin commands with
 * any opcode, feature id, queue create/destroy parameters and addresses, or any bytes; TX descriptor chains with
 * any length, flags, phase, req_id and buffer address; BAR0 register writes, DEV_CTL and MMIO_REG_READ included;
 * raw doorbells; function level resets; guest memory overwritten; virtual time passing), run against one function
 * on a VPC test bed with 512 KiB of guest memory behind an IOMMU window (the {@link FakeGuestMemory} the ENA tests
 * use). By default the harness first resets the device, configures its admin queue and AENQ and creates one TX
 * queue pair, so inputs reach the data path.
 * <p>
 * Invariants: no exception escapes the function, the card or the runtime (a guest mistake is an admin status, a
 * TX completion with an error status, or the fatal state: DEV_STS.fatal_error); every admin command the harness
 * submitted in order gets its completion unless the device is fatal or was reset, or the input wrote raw
 * doorbells or let data overlap the admin rings; no DMA write lands on a byte nothing named (the admin CQ, the
 * AENQ, an IO CQ some CREATE_CQ named, the MMIO_RESP address of a read-less register read, or an RX buffer an RX
 * descriptor names); every access the IOMMU window refused is counted by the DMA port. Regression inputs:
 * {@code EnaFunctionFuzzTestInputs} in the test resources (the default suite replays them); {@code -Pfuzz} fuzzes.
 */
class EnaFunctionFuzzTest
{
    static final long BASE = 0x10_0000L;
    static final int PAGE = 4096;
    static final int MEMORY_BYTES = 128 * PAGE;
    static final int ADMIN_DEPTH = 32;
    static final long AQ = BASE;
    static final long ACQ = BASE + PAGE;
    static final long AENQ = BASE + 2 * PAGE;
    static final long TX_SQ = BASE + 3 * PAGE;
    static final long TX_CQ = BASE + 4 * PAGE;
    static final int QUEUE_PAGES = 5;
    static final int TX_DEPTH = 64;
    static final int MAX_ACTIONS = 96;
    static final int PAIRS = 2;
    /** Short, so that inputs see KEEP_ALIVE events (and a full AENQ) within the few milliseconds they run. */
    static final long KEEP_ALIVE_NS = 1_000_000L;

    private static Bed bed;

    @FuzzTest(maxDuration = "10m")
    void shouldAnswerOrFailEveryCommand(final FuzzedDataProvider data)
    {
        if (bed == null)
        {
            bed = new Bed();
        }
        new Guest(bed, data).play();
    }

    /** One VPC test bed, one ENA function and its guest memory, shared by every input and reset between them. */
    static final class Bed
    {
        final TestBed net = new TestBed();
        final FakeGuestMemory memory = new FakeGuestMemory(BASE, MEMORY_BYTES);
        final NamedRegions window = new NamedRegions(memory);
        final EnaFunction device;
        private long[] resetRegisters;

        Bed()
        {
            device = EnaFunction.context().port(net.port("i-a", NetworkInstanceCaps.C5_LARGE, 1))
                .clock(net.runtime.clock()).registry(net.registry).maxQueuePairs(PAIRS)
                .keepAliveIntervalNs(KEEP_ALIVE_NS).build();
            device.connect(window.window, (address, value) -> { });
            net.runtime.add(device.agent());
            net.port("i-b", NetworkInstanceCaps.C5_LARGE, 2); // somewhere for frames to go
        }

        void begin()
        {
            device.functionLevelReset();
            run(1_000);
            checkClean();
            memory.buffer().setMemory(0, MEMORY_BYTES, (byte)0);
            window.reset();
            final FunctionAccess access = FunctionAccess.of(device);
            FunctionSetup.enableMemoryAndBusMaster(access);
            FunctionSetup.programMsix(access, FunctionSetup.msixCapability(access), PAIRS + 1, 0xFEE0_0000L, 0x40);
        }

        /**
         * The reset is what keeps inputs independent on one shared bed: after it the device is not fatal and its
         * named registers (BAR0 0x00-0xff) read as they did after the first reset of the fresh device.
         */
        private void checkClean()
        {
            final long[] now = new long[0x100 / 4]; // the named registers
            for (int i = 0; i < now.length; i++)
            {
                final int offset = 4 * i;
                now[i] = offset == EnaRegisters.MMIO_REG_READ ? 0 : device.mmioRead(EnaRegisters.REGISTER_BAR, offset, 4);
            }
            if (resetRegisters == null)
            {
                resetRegisters = now;
            }
            assertFalse(device.isFatal(), "a function level reset clears the fatal state");
            assertArrayEquals(resetRegisters, now, "a function level reset brings every register back");
        }

        void run(final long ns)
        {
            net.advanceTo(net.runtime.clock().nanoTime() + ns);
        }
    }

    /** The guest driver: acts out the input, consumes admin completions and events, then checks the invariants. */
    static final class Guest
    {
        private final Bed bed;
        private final EnaFunction f;
        private final FakeGuestMemory memory;
        private final FuzzedDataProvider data;
        private final UnsafeBuffer entry = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
        private final AdminCommand cmd = new AdminCommand();
        private final AdminCompletion resp = new AdminCompletion();
        private final TxDescriptor desc = new TxDescriptor();
        private final Map<Integer, AdminCommand> pending = new LinkedHashMap<>(); // command id -> a copy of the command
        private final long[] txBase = new long[PAIRS];
        private final int[] txDepth = new int[PAIRS];
        private final int[] txTail = new int[PAIRS];
        private final long refusedBefore;
        private int aqTail;
        private int acqHead;
        private int aenqHead;
        private int nextCid = 1;
        private boolean resetSeen;
        private boolean desynced;

        Guest(final Bed bed, final FuzzedDataProvider data)
        {
            this.bed = bed;
            this.f = bed.device;
            this.memory = bed.memory;
            this.data = data;
            bed.begin();
            this.refusedBefore = f.dma().refusedByWindowCount();
        }

        void play()
        {
            if (!data.consumeBoolean())
            {
                bringUp();
            }
            else
            {
                resetSeen = true; // the admin queue is whatever the input makes of it
            }
            for (int a = 0; a < MAX_ACTIONS && data.remainingBytes() > 0; a++)
            {
                act(data.consumeInt(0, 7));
            }
            for (int round = 0; round < 10 && !pending.isEmpty(); round++)
            {
                bed.run(1_000_000);
                drain();
            }
            check();
        }

        private void bringUp()
        {
            write(EnaRegisters.DEV_CTL, EnaRegisters.DEV_CTL_DEV_RESET);
            write(EnaRegisters.DEV_CTL, 0);
            bed.run(100_000);
            resetSeen = false; // this reset is the bring-up's own
            ring(EnaRegisters.AQ_BASE_LO, AQ);
            write(EnaRegisters.AQ_CAPS, ADMIN_DEPTH | (AdminCommand.LENGTH << EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT));
            ring(EnaRegisters.ACQ_BASE_LO, ACQ);
            write(EnaRegisters.ACQ_CAPS, ADMIN_DEPTH | (AdminCompletion.LENGTH << EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT));
            ring(EnaRegisters.AENQ_BASE_LO, AENQ);
            write(EnaRegisters.AENQ_CAPS, ADMIN_DEPTH | (AenqEntry.LENGTH << EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT));
            write(EnaRegisters.AENQ_HEAD_DB, ADMIN_DEPTH);
            admin(c -> c.feature(EnaAdmin.FEATURE_AENQ_CONFIG).u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET,
                EnaFunction.AENQ_SUPPORTED_GROUPS), EnaAdmin.SET_FEATURE);
            admin(c -> c.createCq(true, TxCompletion.ENTRY_SIZE_WORDS, TX_DEPTH, 1, TX_CQ), EnaAdmin.CREATE_CQ);
            admin(c -> c.createSq(EnaAdmin.SQ_DIRECTION_TX, EnaAdmin.PLACEMENT_POLICY_HOST,
                EnaAdmin.COMPLETION_POLICY_DESC, 0, TX_DEPTH, TX_SQ), EnaAdmin.CREATE_SQ);
        }

        private void act(final int action)
        {
            switch (action)
            {
                case 0:
                case 1:
                    adminAction();
                    break;
                case 2:
                case 3:
                    txChain(data.consumeInt(0, PAIRS - 1));
                    break;
                case 4:
                    registerAction();
                    break;
                case 5:
                    bed.run(data.consumeLong(0, 20_000_000L));
                    drain();
                    break;
                case 6:
                    if (data.consumeBoolean())
                    {
                        f.functionLevelReset();
                        bed.run(1_000);
                        FunctionSetup.enableMemoryAndBusMaster(FunctionAccess.of(f));
                        forget();
                        break;
                    }
                    desynced = true;
                    f.mmioWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.SQ_DOORBELL_BASE + 4L * data.consumeInt(0, 0x3FF),
                        4, data.consumeInt() & 0xFFFF_FFFFL);
                    break;
                default:
                    final byte[] junk = data.consumeBytes(data.consumeInt(1, 256));
                    final long at = address();
                    if (memory.contains(at, junk.length))
                    {
                        memory.putBytes(at, junk);
                        desynced |= at < BASE + QUEUE_PAGES * PAGE;
                    }
                    break;
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Inputs

        /** A guest address: mostly a spot in (or just past) guest memory, sometimes any value. */
        private long address()
        {
            switch (data.consumeInt(0, 3))
            {
                case 0:
                    return data.consumeLong();
                case 1:
                    return BASE + (long)data.consumeInt(QUEUE_PAGES, 140) * PAGE + data.consumeInt(0, PAGE - 1);
                default:
                    return BASE + (long)data.consumeInt(QUEUE_PAGES, 132) * PAGE;
            }
        }

        private void adminAction()
        {
            final int[] known = {EnaAdmin.CREATE_SQ, EnaAdmin.DESTROY_SQ, EnaAdmin.CREATE_CQ, EnaAdmin.DESTROY_CQ,
                EnaAdmin.GET_FEATURE, EnaAdmin.SET_FEATURE, EnaAdmin.GET_STATS};
            final int opcode = data.consumeBoolean() ? data.pickValue(known) : data.consumeInt(0, 255);
            switch (data.consumeInt(0, 3))
            {
                case 0: // any bytes after the header
                {
                    final byte[] body = data.consumeBytes(AdminCommand.LENGTH - 4);
                    admin(c -> c.buffer().putBytes(c.offset() + 4, body), opcode);
                    break;
                }
                case 1:
                {
                    final long base = address();
                    final boolean tx = data.consumeBoolean();
                    final int depth = depth();
                    final int vector = data.consumeInt(0, PAIRS + 1);
                    admin(c -> c.createCq(data.consumeBoolean(), tx ? TxCompletion.ENTRY_SIZE_WORDS
                        : RxCompletion.ENTRY_SIZE_WORDS, depth, vector, base), EnaAdmin.CREATE_CQ);
                    break;
                }
                case 2:
                {
                    final long base = address();
                    final int direction = data.consumeInt(0, 3);
                    final int placement = data.consumeBoolean() ? EnaAdmin.PLACEMENT_POLICY_HOST : data.consumeInt(0, 15);
                    final int policy = data.consumeInt(0, 3);
                    final int cq = data.consumeInt(0, 2 * PAIRS);
                    final int depth = depth();
                    admin(c -> c.createSq(direction, placement, policy, cq, depth, base), EnaAdmin.CREATE_SQ);
                    break;
                }
                default:
                {
                    final int a = data.consumeInt(0, 2 * PAIRS);
                    final int b = data.consumeInt(0, 3);
                    final int feature = data.consumeInt(0, 31);
                    final int value = data.consumeBoolean() ? data.consumeInt(0, 9216) : data.consumeInt();
                    admin(c -> c.destroySq(a, b).u8(AdminCommand.FEATURE_ID_OFFSET, feature)
                        .u32(AdminCommand.SET_MTU_OFFSET, value).u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET, value),
                        opcode);
                    break;
                }
            }
        }

        private int depth()
        {
            return data.consumeBoolean() ? 1 << data.consumeInt(0, 14) : data.consumeInt(0, 0xFFFF);
        }

        private void registerAction()
        {
            final int offset = data.pickValue(new int[] {EnaRegisters.DEV_CTL, EnaRegisters.DEV_CTL,
                EnaRegisters.AQ_BASE_LO, EnaRegisters.AQ_BASE_HI, EnaRegisters.AQ_CAPS, EnaRegisters.ACQ_BASE_LO,
                EnaRegisters.ACQ_CAPS, EnaRegisters.AENQ_CAPS, EnaRegisters.AENQ_BASE_LO, EnaRegisters.AENQ_HEAD_DB,
                EnaRegisters.AQ_DB, EnaRegisters.INTR_MASK, EnaRegisters.MMIO_REG_READ, EnaRegisters.MMIO_REG_READ,
                EnaRegisters.MMIO_RESP_LO, EnaRegisters.MMIO_RESP_HI, EnaRegisters.DEV_STS, EnaRegisters.RSS_IND_ENTRY_UPDATE,
                data.consumeInt(0, EnaRegisters.REGISTER_BAR_SIZE_BYTES / 4 - 1) * 4});
            int value = data.consumeInt();
            if (offset == EnaRegisters.MMIO_RESP_LO && data.consumeBoolean())
            {
                value = (int)address();
            }
            write(offset, value);
        }

        private void txChain(final int q)
        {
            final int descriptors = data.consumeBoolean() ? data.consumeInt(1, 3) : data.consumeInt(1, 40);
            final boolean wellFormed = data.consumeBoolean();
            for (int k = 0; k < descriptors && txDepth[q] > 0; k++)
            {
                final int length = data.consumeBoolean() ? data.consumeInt(0, 1600) : data.consumeInt(0, 0xFFFF);
                final int reqId = data.consumeBoolean() ? data.consumeInt(0, txDepth[q] - 1) : data.consumeInt(0, 0xFFFF);
                final boolean first = wellFormed ? k == 0 : data.consumeBoolean();
                final boolean last = wellFormed ? k == descriptors - 1 : data.consumeBoolean();
                final boolean phase = ((txTail[q] & txDepth[q]) == 0) ^ (!wellFormed && data.consumeBoolean());
                final long at = txBase[q] + (long)(txTail[q] & (txDepth[q] - 1)) * TxDescriptor.LENGTH;
                desc.wrap(entry, 0).set(length, reqId, phase, first, last, data.consumeBoolean(),
                    wellFormed ? 0 : data.consumeInt(), address());
                if (!wellFormed && data.consumeBoolean())
                {
                    entry.putInt(0, entry.getInt(0) | TxDescriptor.META_DESC);
                }
                if (memory.contains(at, TxDescriptor.LENGTH))
                {
                    memory.buffer().putBytes(memory.index(at), entry, 0, TxDescriptor.LENGTH);
                }
                txTail[q] = (txTail[q] + 1) & 0xFFFF;
            }
            if (txDepth[q] > 0)
            {
                write(EnaRegisters.txSqDoorbell(q), txTail[q]);
            }
            bed.run(data.remainingBytes() > 0 && data.consumeBoolean() ? 1_000 : 100_000);
            drain();
        }

        // -----------------------------------------------------------------------------------------------------
        // The guest's side of the admin queue

        private void write(final int offset, final long value)
        {
            if (offset == EnaRegisters.DEV_CTL)
            {
                forget();
            }
            else if (offset == EnaRegisters.MMIO_REG_READ)
            {
                final long response = (f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.MMIO_RESP_LO, 4) & 0xFFFF_FFFFL)
                    | (f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.MMIO_RESP_HI, 4) << 32);
                bed.window.allow(response, MmioReadResponse.LENGTH);
            }
            else if (offset == EnaRegisters.AQ_DB || offset >= EnaRegisters.SQ_DOORBELL_BASE
                && offset < EnaRegisters.MSIX_TABLE_OFFSET && !(isTxDoorbell(offset) && value == txTail[txOf(offset)]))
            {
                desynced = true; // a doorbell the guest's own rings do not match
            }
            f.mmioWrite(EnaRegisters.REGISTER_BAR, offset, 4, value & 0xFFFF_FFFFL);
            if (offset >= EnaRegisters.AQ_BASE_LO && offset <= EnaRegisters.AENQ_HEAD_DB)
            {
                // The admin CQ and the AENQ are latched from these registers (after a reset): allow where they point.
                bed.window.allow(f.registerAddress(EnaRegisters.ACQ_BASE_LO), AdminCompletion.LENGTH
                    * (long)((int)f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.ACQ_CAPS, 4) & 0xFFFF));
                bed.window.allow(f.registerAddress(EnaRegisters.AENQ_BASE_LO), AenqEntry.LENGTH
                    * (long)((int)f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_CAPS, 4) & 0xFFFF));
            }
            bed.run(1_000);
        }

        private static int txOf(final int offset)
        {
            return (offset - EnaRegisters.SQ_DOORBELL_BASE) / EnaRegisters.SQ_DOORBELL_STRIDE;
        }

        private boolean isTxDoorbell(final int offset)
        {
            for (int q = 0; q < PAIRS; q++)
            {
                if (offset == EnaRegisters.txSqDoorbell(q))
                {
                    return true;
                }
            }
            return false;
        }

        private void ring(final int loOffset, final long address)
        {
            f.mmioWrite(EnaRegisters.REGISTER_BAR, loOffset, 4, address & 0xFFFF_FFFFL);
            f.mmioWrite(EnaRegisters.REGISTER_BAR, loOffset + 4, 4, address >>> 32);
        }

        /** A reset: the device forgets its queues and outstanding commands. */
        private void forget()
        {
            pending.clear();
            resetSeen = true;
            java.util.Arrays.fill(txDepth, 0);
        }

        private void admin(final java.util.function.Consumer<AdminCommand> fill, final int opcode)
        {
            cmd.wrap(entry, 0).clear();
            fill.accept(cmd);
            final int cid = nextCid++ & AdminCommand.COMMAND_ID_MASK;
            cmd.header(cid, opcode, (aqTail & ADMIN_DEPTH) == 0);
            if (data.remainingBytes() > 0 && data.consumeInt(0, 7) == 0)
            {
                entry.putByte(3, (byte)data.consumeInt(0, 255)); // any flags, the phase included
            }
            memory.buffer().putBytes(memory.index(AQ + (long)(aqTail & (ADMIN_DEPTH - 1)) * AdminCommand.LENGTH), entry, 0,
                AdminCommand.LENGTH);
            final AdminCommand sent = new AdminCommand().wrap(new UnsafeBuffer(entry.byteArray().clone()), 0);
            pending.put(cid, sent);
            if (opcode == EnaAdmin.CREATE_CQ) // what the device may write: the whole ring, as the command sizes it
            {
                bed.window.allow(sent.address(AdminCommand.CREATE_CQ_BASE_OFFSET),
                    (long)sent.u16(AdminCommand.CREATE_CQ_DEPTH_OFFSET) * 4
                    * (sent.u8(AdminCommand.CREATE_CQ_CAPS_2_OFFSET) & AdminCommand.CQ_CAPS_2_ENTRY_SIZE_WORDS_MASK));
            }
            else if (opcode == EnaAdmin.CREATE_SQ && sent.sqDirection() == EnaAdmin.SQ_DIRECTION_RX)
            {
                bed.window.rxRings.add(new long[] {sent.address(AdminCommand.CREATE_SQ_BASE_OFFSET),
                    sent.u16(AdminCommand.CREATE_SQ_DEPTH_OFFSET)});
            }
            aqTail = (aqTail + 1) & 0xFFFF;
            f.mmioWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.AQ_DB, 4, aqTail);
            bed.run(data.remainingBytes() > 0 && data.consumeBoolean() ? 1_000 : 100_000);
            drain();
        }

        private void drain()
        {
            for (int n = 0; n < ADMIN_DEPTH; n++)
            {
                resp.wrap(memory.buffer(), memory.index(ACQ + (long)(acqHead & (ADMIN_DEPTH - 1)) * AdminCompletion.LENGTH));
                if (resp.phase() != ((acqHead & ADMIN_DEPTH) == 0))
                {
                    break;
                }
                acqHead = (acqHead + 1) & 0xFFFF;
                final AdminCommand sent = pending.remove(resp.commandId());
                if (sent != null && resp.status() == EnaAdmin.SUCCESS)
                {
                    onSuccess(sent);
                }
            }
            final long tail = f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_TAIL, 4);
            if (!resetSeen && tail != aenqHead)
            {
                aenqHead = (int)tail & 0xFFFF;
                f.mmioWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.AENQ_HEAD_DB, 4, aenqHead + ADMIN_DEPTH);
            }
        }

        private void onSuccess(final AdminCommand sent)
        {
            if (sent.opcode() == EnaAdmin.CREATE_SQ && sent.sqDirection() == EnaAdmin.SQ_DIRECTION_TX)
            {
                final int q = resp.u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
                if (q < PAIRS)
                {
                    txBase[q] = sent.address(AdminCommand.CREATE_SQ_BASE_OFFSET);
                    txDepth[q] = sent.u16(AdminCommand.CREATE_SQ_DEPTH_OFFSET);
                    txTail[q] = 0;
                }
            }
        }

        // -----------------------------------------------------------------------------------------------------
        // Checks

        private void check()
        {
            assertEquals(List.of(), bed.window.window.violations(), "DMA writes outside every region a command named");
            assertEquals(bed.window.window.refused(), f.dma().refusedByWindowCount() - refusedBefore,
                "every access the IOMMU window refused is counted");
            final int devSts = (int)f.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, 4);
            assertEquals(f.isFatal(), (devSts & EnaRegisters.DEV_STS_FATAL_ERROR) != 0, "DEV_STS.fatal_error");
            if (f.isFatal() || resetSeen || desynced)
            {
                return;
            }
            assertTrue(pending.isEmpty(), () -> "admin commands never answered: " + pending + " (DEV_STS 0x"
                + Integer.toHexString(devSts) + ")");
        }
    }

    /**
     * What the guest's commands name, for the IOMMU window ({@link CheckedDmaWindow}) that records every write
     * outside it; RX buffers are read from the RX rings when a write needs them.
     */
    static final class NamedRegions
    {
        final FakeGuestMemory memory;
        final CheckedDmaWindow window;
        final List<long[]> rxRings = new ArrayList<>();

        NamedRegions(final FakeGuestMemory memory)
        {
            this.memory = memory;
            this.window = new CheckedDmaWindow(memory);
            window.widen(this::allowRxBuffers);
        }

        void reset()
        {
            window.reset();
            rxRings.clear();
        }

        void allow(final long start, final long length)
        {
            window.allow(start, length);
        }

        /** Every RX descriptor in every RX ring some CREATE_SQ named names its buffer. */
        private void allowRxBuffers()
        {
            final RxDescriptor d = new RxDescriptor();
            for (final long[] ring : rxRings)
            {
                for (long i = 0; i < Math.min(ring[1], 8192); i++)
                {
                    final long at = ring[0] + i * RxDescriptor.LENGTH;
                    if (memory.contains(at, RxDescriptor.LENGTH))
                    {
                        d.wrap(memory.buffer(), memory.index(at));
                        allow(d.bufferAddress(), d.bufferLength());
                    }
                }
            }
        }
    }
}

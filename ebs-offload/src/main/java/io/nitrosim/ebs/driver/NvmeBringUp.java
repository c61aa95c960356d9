package io.nitrosim.ebs.driver;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.nvme.IdentifyNamespace;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.queue.FunctionSetup;

/**
 * The driver's bring-up ({@link NvmeDriver.State}): enable memory space and bus master; program MSI-X entries
 * 0..N (address given, data = firstVector + entry) and enable MSI-X; clear CC.EN if set and wait for CSTS.RDY = 0;
 * set AQA/ASQ/ACQ and CC (EN, MPS 4 KiB, IOSQES 6, IOCQES 4); wait for CSTS.RDY = 1 (CAP.TO bounds each wait,
 * CSTS.CFS fails); Identify controller and namespace; Set Features number of queues (with Host Behavior Support,
 * ACRE, in the same doorbell when the controller reports a command retry delay); create I/O CQ i (vector i)
 * then SQ i for each granted pair. Bring-up commands go through the admin queue like any other, tagged as the
 * driver's own.
 */
final class NvmeBringUp
{
    private final NvmeDriver driver;
    private final FunctionAccess fn;
    private final GuestMemoryAccess memory;
    private final GuestMemoryAllocator allocator;
    private final NvmeDriver.Config config;
    private final NvmeDriverQueue[] queues;
    private final NvmeRecovery recovery;
    private final UnsafeBuffer identifyControllerCopy = new UnsafeBuffer(new byte[NvmeDriver.PAGE_SIZE]);
    private final UnsafeBuffer identifyNamespaceCopy = new UnsafeBuffer(new byte[NvmeDriver.PAGE_SIZE]);
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private boolean queuesAllocated;
    private long scratchGpa;
    private long deadlineNs;
    private long cap;
    private int grantedPairs;
    private int step;
    private int mdtsBytes;
    private int blockShift;
    private long namespaceBlocks;
    private boolean internalDone;
    private int internalStatus;
    private int internalDw0;

    NvmeBringUp(final NvmeDriver driver, final FunctionAccess fn, final GuestMemoryAccess memory,
        final GuestMemoryAllocator allocator, final NvmeDriver.Config config, final NvmeDriverQueue[] queues,
        final NvmeRecovery recovery)
    {
        this.recovery = recovery;
        this.driver = driver;
        this.fn = fn;
        this.memory = memory;
        this.allocator = allocator;
        this.config = config;
        this.queues = queues;
    }

    boolean queuesAllocated()
    {
        return queuesAllocated;
    }

    long capabilities()
    {
        return cap;
    }

    int grantedPairs()
    {
        return grantedPairs;
    }

    int maxTransferBytes()
    {
        return mdtsBytes;
    }

    int blockShift()
    {
        return blockShift;
    }

    long namespaceBlocks()
    {
        return namespaceBlocks;
    }

    DirectBuffer identifyController()
    {
        return identifyControllerCopy;
    }

    DirectBuffer identifyNamespace()
    {
        return identifyNamespaceCopy;
    }

    /** When a wait for CSTS ends (CAP.TO after it started). */
    long deadlineNs()
    {
        return deadlineNs;
    }

    /** A bring-up command completed. */
    void internalCompletion(final int status, final int dw0)
    {
        internalDone = true;
        internalStatus = status;
        internalDw0 = dw0;
    }

    /** Advances bring-up by one step if it can. @return work. */
    int advance(final long nowNs)
    {
        switch (driver.state())
        {
            case START:
                return start(nowNs);
            case WAIT_NOT_READY:
            {
                final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
                if ((csts & NvmeRegisters.CSTS_RDY) != 0)
                {
                    return timeout(nowNs, "CSTS.RDY stayed 1 after CC.EN = 0");
                }
                configureAdmin(nowNs);
                return 1;
            }
            case WAIT_READY:
            {
                final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
                if (csts == -1 || (csts & NvmeRegisters.CSTS_CFS) != 0)
                {
                    return driver.fail("controller fatal status (CSTS " + Integer.toHexString(csts) + ") while enabling");
                }
                if ((csts & NvmeRegisters.CSTS_RDY) == 0)
                {
                    return timeout(nowNs, "CSTS.RDY did not become 1 within CAP.TO");
                }
                driver.state(NvmeDriver.State.IDENTIFY_CONTROLLER);
                admin(NvmeOpcodes.ADMIN_IDENTIFY, 0, NvmeOpcodes.CNS_CONTROLLER, 0, scratchGpa);
                return 1;
            }
            case IDENTIFY_CONTROLLER:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return driver.fail("Identify Controller failed: status 0x" + Integer.toHexString(internalStatus));
                }
                memory.read(scratchGpa, identifyControllerCopy, 0, NvmeDriver.PAGE_SIZE);
                {
                    final IdentifyController identify = new IdentifyController().wrapForRead(identifyControllerCopy, 0);
                    final int mdts = identify.mdts();
                    recovery.abortLimit(identify.abortLimit());
                    recovery.commandRetryDelays(identify.commandRetryDelay(1), identify.commandRetryDelay(2),
                        identify.commandRetryDelay(3));
                    final int minPage = 1 << (12 + NvmeRegisters.capMpsMin(cap));
                    mdtsBytes = mdts == 0 ? 1 << 20 : Math.min(1 << 20, minPage << mdts);
                    mdtsBytes = Math.min(mdtsBytes, (NvmeDriver.PRP_LIST_BYTES / 8) * NvmeDriver.PAGE_SIZE);
                }
                driver.state(NvmeDriver.State.IDENTIFY_NAMESPACE);
                admin(NvmeOpcodes.ADMIN_IDENTIFY, 1, NvmeOpcodes.CNS_NAMESPACE, 0, scratchGpa);
                return 1;
            case IDENTIFY_NAMESPACE:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return driver.fail("Identify Namespace failed: status 0x" + Integer.toHexString(internalStatus));
                }
                memory.read(scratchGpa, identifyNamespaceCopy, 0, NvmeDriver.PAGE_SIZE);
                {
                    final IdentifyNamespace ns = new IdentifyNamespace().wrapForRead(identifyNamespaceCopy, 0);
                    namespaceBlocks = ns.size();
                    blockShift = ns.lbaDataSizeShift(ns.formattedLbaIndex());
                }
                return setQueues();
            case SET_QUEUES:
                if (!internalDone)
                {
                    return checkFatal();
                }
                if (internalStatus != 0)
                {
                    return driver.fail("Set Features (number of queues) failed: status 0x"
                        + Integer.toHexString(internalStatus));
                }
                grantedPairs = Math.min(config.ioQueuePairs(), Math.min(
                    NvmeOpcodes.numberOfSubmissionQueues(internalDw0), NvmeOpcodes.numberOfCompletionQueues(internalDw0)));
                step = 1;
                driver.state(NvmeDriver.State.CREATE_CQ);
                createQueue(true, step);
                return 1;
            case CREATE_CQ:
            case CREATE_SQ:
                return queueCreated();
            default:
                return 0;
        }
    }

    private int setQueues()
    {
        driver.state(NvmeDriver.State.SET_QUEUES);
        recovery.sendHostBehavior(driver.nowNs());
        admin(NvmeOpcodes.ADMIN_SET_FEATURES, 0, NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES,
            NvmeOpcodes.encodeNumberOfQueues(config.ioQueuePairs(), config.ioQueuePairs()), 0);
        return 1;
    }

    private int queueCreated()
    {
        if (!internalDone)
        {
            return checkFatal();
        }
        final NvmeDriver.State state = driver.state();
        if (internalStatus != 0)
        {
            return driver.fail("Create I/O " + (state == NvmeDriver.State.CREATE_CQ ? "CQ " : "SQ ") + step
                + " failed: status 0x" + Integer.toHexString(internalStatus));
        }
        if (state == NvmeDriver.State.CREATE_CQ)
        {
            driver.state(NvmeDriver.State.CREATE_SQ);
            createQueue(false, step);
        }
        else if (step < grantedPairs)
        {
            step++;
            driver.state(NvmeDriver.State.CREATE_CQ);
            createQueue(true, step);
        }
        else
        {
            driver.state(NvmeDriver.State.READY);
        }
        return 1;
    }

    private int checkFatal()
    {
        final int csts = (int)fn.mmioRead(0, NvmeRegisters.CSTS_OFFSET, 4);
        if ((csts & NvmeRegisters.CSTS_CFS) != 0)
        {
            return driver.fail("controller fatal status during " + driver.state());
        }
        return 0;
    }

    private int start(final long nowNs)
    {
        FunctionSetup.enableMemoryAndBusMaster(fn);
        final int msix = FunctionSetup.msixCapability(fn);
        if (msix == 0)
        {
            return driver.fail("no MSI-X capability");
        }
        FunctionSetup.programMsix(fn, msix, Math.min(FunctionSetup.msixTableSize(fn, msix), queues.length),
            config.msixAddress(), config.firstVector());
        cap = fn.mmioRead(0, NvmeRegisters.CAP_OFFSET, 8);
        if (cap == -1L)
        {
            return driver.fail("BAR0 does not answer (CAP reads all ones)");
        }
        if (NvmeRegisters.capDoorbellStride(cap) != 0 || NvmeRegisters.capMpsMin(cap) != 0)
        {
            return driver.fail("unsupported CAP 0x" + Long.toHexString(cap)
                + ": this driver needs DSTRD 0 and 4 KiB pages");
        }
        final int cc = (int)fn.mmioRead(0, NvmeRegisters.CC_OFFSET, 4);
        if ((cc & NvmeRegisters.CC_EN) != 0)
        {
            fn.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, 0);
        }
        deadlineNs = nowNs + Math.max(1, NvmeRegisters.capTimeout500ms(cap)) * 500_000_000L;
        driver.state(NvmeDriver.State.WAIT_NOT_READY);
        return 1;
    }

    private void configureAdmin(final long nowNs)
    {
        final int maxEntries = NvmeRegisters.capMaxQueueEntries(cap);
        if (!queuesAllocated)
        {
            queues[0].allocate(allocator, Math.min(config.adminQueueEntries(), maxEntries));
            for (int q = 1; q < queues.length; q++)
            {
                queues[q].allocate(allocator, Math.min(config.queueEntries(), maxEntries));
            }
            scratchGpa = allocator.allocate(2 * NvmeDriver.PAGE_SIZE, NvmeDriver.PAGE_SIZE);
            queuesAllocated = true;
        }
        for (final NvmeDriverQueue queue : queues)
        {
            queue.reset(memory, queue.id != 0); // I/O commands outstanding across a reset go again once READY
        }
        final NvmeDriverQueue adminQueue = queues[0];
        fn.mmioWrite(0, NvmeRegisters.AQA_OFFSET, 4, NvmeRegisters.encodeAqa(adminQueue.entries, adminQueue.entries));
        fn.mmioWrite(0, NvmeRegisters.ASQ_OFFSET, 8, adminQueue.sqAddr);
        fn.mmioWrite(0, NvmeRegisters.ACQ_OFFSET, 8, adminQueue.cqAddr);
        fn.mmioWrite(0, NvmeRegisters.CC_OFFSET, 4, NvmeRegisters.CC_EN
            | (NvmeRegisters.SQ_ENTRY_SIZE_SHIFT << NvmeRegisters.CC_IOSQES_SHIFT)
            | (NvmeRegisters.CQ_ENTRY_SIZE_SHIFT << NvmeRegisters.CC_IOCQES_SHIFT));
        deadlineNs = nowNs + Math.max(1, NvmeRegisters.capTimeout500ms(cap)) * 500_000_000L;
        driver.state(NvmeDriver.State.WAIT_READY);
    }

    private void createQueue(final boolean completion, final int q)
    {
        final int cdw11 = completion
            ? SubmissionQueueEntry.CQ_PHYSICALLY_CONTIGUOUS | SubmissionQueueEntry.CQ_INTERRUPTS_ENABLED | (q << 16)
            : SubmissionQueueEntry.SQ_PHYSICALLY_CONTIGUOUS | (q << 16);
        internalDone = false;
        final int cid = queues[0].takeCid(NvmeDriver.INTERNAL_TAG);
        sqe.wrap(sqeBuffer, 0).clear()
            .opcode(completion ? NvmeOpcodes.ADMIN_CREATE_IO_CQ : NvmeOpcodes.ADMIN_CREATE_IO_SQ).commandId(cid)
            .prp1(completion ? queues[q].cqAddr : queues[q].sqAddr).createQueue(q, queues[q].entries, cdw11);
        queues[0].submit(memory, sqeBuffer, recovery.deadlineFor(0, driver.nowNs()));
    }

    private void admin(final int opcode, final long nsid, final int cdw10, final int cdw11, final long prp1)
    {
        internalDone = false;
        final int cid = queues[0].takeCid(NvmeDriver.INTERNAL_TAG);
        sqe.wrap(sqeBuffer, 0).clear().opcode(opcode).commandId(cid).nsid(nsid).prp1(prp1).cdw(10, cdw10)
            .cdw(11, cdw11);
        queues[0].submit(memory, sqeBuffer, recovery.deadlineFor(0, driver.nowNs()));
    }

    private int timeout(final long nowNs, final String what)
    {
        return nowNs > deadlineNs ? driver.fail(what) : 0;
    }
}

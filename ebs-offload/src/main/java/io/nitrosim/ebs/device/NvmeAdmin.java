package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.CompletionQueueEntry;
import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.nvme.IdentifyNamespace;
import io.nitrosim.ebs.nvme.LogPages;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeRegisters;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.volume.VolumeSpec;

/**
 * The controller's admin command set: Identify (CNS 0 namespace, 1 controller with the EBS identity and the
 * device name at byte 3072, 2 active namespace list), Create/Delete I/O SQ and CQ, Get/Set Features (number of
 * queues once before any I/O queue; interrupt coalescing stored, not applied; arbitration, power management,
 * temperature threshold, async event config, Host Behavior Support (ACRE: refused data DMAs then ask for
 * CRDT1, 100 ms, before a retry); no volatile write cache), Get Log Page (error information, SMART,
 * firmware slot), Abort (of an I/O command in the data path:
 * it completes with Command Abort Requested; DW0 bit 0 says whether it was), Asynchronous Event Request (held: none are generated). Every malformed
 * command is answered with its NVMe status, never an exception. Agent thread.
 */
final class NvmeAdmin
{
    static final int ASYNC_EVENT_LIMIT = 4;
    static final int ABORT_LIMIT = 4;
    /** CRDT1 (100 ms units): how long a host with ACRE waits before retrying a Data Transfer Error. */
    static final int COMMAND_RETRY_DELAY_100MS = 1;
    private static final int DNR = NvmeStatus.DO_NOT_RETRY;
    private static final int PAGE_SIZE = NvmeController.PAGE_SIZE;

    private final NvmeController controller;
    private final NvmeQueues queues;
    private final NvmeIo io;
    private final NvmeLogs logs;
    private final NvmeMeters meters;
    private final PrpResolver prps;
    private final UnsafeBuffer sqeBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
    private final SubmissionQueueEntry sqe = new SubmissionQueueEntry();
    private final UnsafeBuffer page = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer identifyController = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final UnsafeBuffer identifyNamespace = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
    private final long[] segmentAddr = new long[PAGE_SIZE / 8 + 2];
    private final int[] segmentLen = new int[PAGE_SIZE / 8 + 2];

    // Feature state.
    private int allocatedSqs;
    private int allocatedCqs;
    private boolean queuesAllocatedBySetFeatures;
    private int interruptCoalescing;
    private int arbitration;
    private int powerManagement;
    private int temperatureThreshold = 0x0157; // 343 K
    private int asyncEventConfig;
    private int outstandingAsyncEvents;

    NvmeAdmin(final NvmeController controller, final NvmeQueues queues, final NvmeIo io, final NvmeLogs logs,
        final NvmeMeters meters, final PrpResolver prps)
    {
        this.controller = controller;
        this.queues = queues;
        this.io = io;
        this.logs = logs;
        this.meters = meters;
        this.prps = prps;
    }

    /** Builds the Identify pages of a volume (fixed for the controller's life). */
    void identify(final VolumeSpec spec, final String deviceName, final int controllerId, final long namespaceBlocks,
        final int lbaShift)
    {
        new IdentifyController().wrap(identifyController, 0).clear()
            .ebsIdentity(spec.volumeId(), deviceName)
            .mdts(NvmeController.MDTS).controllerId(controllerId).version(NvmeController.VS_VALUE)
            .limits(ABORT_LIMIT, ASYNC_EVENT_LIMIT, NvmeLogs.ENTRIES)
            .commandRetryDelays(COMMAND_RETRY_DELAY_100MS, 0, 0)
            .queueEntrySizes(NvmeRegisters.SQ_ENTRY_SIZE_SHIFT, NvmeRegisters.CQ_ENTRY_SIZE_SHIFT)
            .maxCommands(NvmeController.MAX_QUEUE_ENTRIES)
            .namespaceCount(1)
            .optionalNvmCommands(IdentifyController.ONCS_DATASET_MANAGEMENT)
            .volatileWriteCache(false)
            .logPageAttributes(IdentifyController.LPA_EXTENDED_DATA);
        // Two LBA formats, 512 B and 4 KiB; the one in use is FLBAS.
        new IdentifyNamespace().wrap(identifyNamespace, 0).clear().simpleNamespace(namespaceBlocks, lbaShift)
            .lbaFormatCount(2).lbaFormat(0, 0, 9, 0).lbaFormat(1, 0, 12, 0)
            .formattedLbaIndex(lbaShift == 12 ? 1 : 0);
    }

    /** Controller reset: features back to their reset values (except those the spec keeps). */
    void reset()
    {
        allocatedSqs = 0;
        allocatedCqs = 0;
        queuesAllocatedBySetFeatures = false;
        interruptCoalescing = 0;
        outstandingAsyncEvents = 0;
    }

    /** Executes the admin commands up to the tail while the admin CQ has room. @return commands executed. */
    int process()
    {
        int work = 0;
        while (queues.sq(0).isOpen() && !queues.sq(0).isEmpty() && work < NvmeIo.FETCH_BURST && !controller.isFatal())
        {
            if (!queues.cqHasRoom(0) || !queues.fetch(0, sqeBuffer))
            {
                break;
            }
            work++;
            meters.adminCommands.increment();
            execute(sqe.wrap(sqeBuffer, 0));
        }
        return work;
    }

    private void execute(final SubmissionQueueEntry command)
    {
        final int cid = command.commandId();
        if (command.fuse() != 0 || command.psdt() != SubmissionQueueEntry.PSDT_PRP)
        {
            queues.post(0, 0, cid, NvmeStatus.INVALID_FIELD | DNR, 0, 0);
            return;
        }
        int status;
        int dw0 = 0;
        switch (command.opcode())
        {
            case NvmeOpcodes.ADMIN_IDENTIFY:
                status = identify(command);
                break;
            case NvmeOpcodes.ADMIN_CREATE_IO_CQ:
                status = queues.createCq(command, allocatedCqs);
                break;
            case NvmeOpcodes.ADMIN_CREATE_IO_SQ:
                status = queues.createSq(command, allocatedSqs);
                break;
            case NvmeOpcodes.ADMIN_DELETE_IO_SQ:
                status = deleteSq(command);
                break;
            case NvmeOpcodes.ADMIN_DELETE_IO_CQ:
                status = queues.deleteCq(command);
                break;
            case NvmeOpcodes.ADMIN_SET_FEATURES:
            {
                final long result = setFeatures(command);
                status = statusOf(result);
                dw0 = dw0Of(result);
                break;
            }
            case NvmeOpcodes.ADMIN_GET_FEATURES:
            {
                final long result = getFeatures(command);
                status = statusOf(result);
                dw0 = dw0Of(result);
                break;
            }
            case NvmeOpcodes.ADMIN_GET_LOG_PAGE:
                status = getLogPage(command);
                break;
            case NvmeOpcodes.ADMIN_ABORT:
                // best effort: a command in the data path is aborted; one not found (already completed, still in
                // its SQ, or an admin command, which completes at once) is reported as not aborted
                status = NvmeStatus.SUCCESS;
                dw0 = io.abort(command.abortSqid(), command.abortCid()) ? 0 : CompletionQueueEntry.ABORT_NOT_ABORTED;
                break;
            case NvmeOpcodes.ADMIN_ASYNC_EVENT_REQUEST:
                if (outstandingAsyncEvents >= ASYNC_EVENT_LIMIT)
                {
                    status = NvmeStatus.ASYNC_EVENT_LIMIT_EXCEEDED | DNR;
                    break;
                }
                outstandingAsyncEvents++;
                return; // held: no events are generated
            default:
                status = NvmeStatus.INVALID_OPCODE | DNR;
                break;
        }
        queues.post(0, 0, cid, status, dw0, 0);
    }

    // A command's status and its result dword (DW0 of the completion) travel together.

    private static long result(final int status, final int dw0)
    {
        return ((long)dw0 << 32) | (status & 0xFFFF_FFFFL);
    }

    private static int statusOf(final long result)
    {
        return (int)result;
    }

    private static int dw0Of(final long result)
    {
        return (int)(result >>> 32);
    }

    /** Writes {@code length} bytes of {@code src} to the command's PRPs. @return an NVMe status. */
    private int transferOut(final SubmissionQueueEntry command, final DirectBuffer src, final int at, final int length)
    {
        final int segments = prps.resolve(command.prp1(), command.prp2(), length, segmentAddr, segmentLen);
        if (segments < 0)
        {
            return -segments;
        }
        return prps.write(segmentAddr, segmentLen, 0, segments, src, at) ? NvmeStatus.SUCCESS
            : NvmeStatus.DATA_TRANSFER_ERROR;
    }

    private int identify(final SubmissionQueueEntry command)
    {
        final long nsid = command.nsid();
        switch (command.cns())
        {
            case NvmeOpcodes.CNS_CONTROLLER:
                return transferOut(command, identifyController, 0, PAGE_SIZE);
            case NvmeOpcodes.CNS_NAMESPACE:
                if (nsid != 1)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                return transferOut(command, identifyNamespace, 0, PAGE_SIZE);
            case NvmeOpcodes.CNS_ACTIVE_NAMESPACE_LIST:
                if (nsid >= 0xFFFF_FFFEL)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                page.setMemory(0, PAGE_SIZE, (byte)0);
                if (nsid == 0)
                {
                    page.putInt(0, 1, ByteOrder.LITTLE_ENDIAN); // a list of u32 namespace ids: just 1
                }
                return transferOut(command, page, 0, PAGE_SIZE);
            default:
                return NvmeStatus.INVALID_FIELD | DNR;
        }
    }

    private int deleteSq(final SubmissionQueueEntry command)
    {
        final int qid = command.queueId();
        if (!queues.isIoSq(qid))
        {
            return NvmeStatus.INVALID_QUEUE_ID | DNR;
        }
        io.abandon(qid);
        queues.deleteSq(qid);
        return NvmeStatus.SUCCESS;
    }

    private long setFeatures(final SubmissionQueueEntry command)
    {
        if ((command.cdw10() & SubmissionQueueEntry.FEATURES_SAVE) != 0)
        {
            return result(NvmeStatus.FEATURE_NOT_SAVEABLE | DNR, 0);
        }
        final int value = command.cdw11();
        switch (command.featureId())
        {
            case NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES:
            {
                final int nsqr = value & 0xFFFF;
                final int ncqr = value >>> 16;
                if (nsqr == 0xFFFF || ncqr == 0xFFFF)
                {
                    return result(NvmeStatus.INVALID_FIELD | DNR, 0);
                }
                if (queuesAllocatedBySetFeatures || queues.anyIoQueue())
                {
                    return result(NvmeStatus.COMMAND_SEQUENCE_ERROR | DNR, 0);
                }
                allocatedSqs = Math.min(nsqr + 1, NvmeController.MAX_IO_QUEUES);
                allocatedCqs = Math.min(ncqr + 1, NvmeController.MAX_IO_QUEUES);
                queuesAllocatedBySetFeatures = true;
                return result(NvmeStatus.SUCCESS, NvmeOpcodes.encodeNumberOfQueues(allocatedSqs, allocatedCqs));
            }
            case NvmeOpcodes.FEATURE_INTERRUPT_COALESCING:
                interruptCoalescing = value & 0xFFFF;
                return result(NvmeStatus.SUCCESS, 0);
            case NvmeOpcodes.FEATURE_ARBITRATION:
                arbitration = value;
                return result(NvmeStatus.SUCCESS, 0);
            case NvmeOpcodes.FEATURE_POWER_MANAGEMENT:
                if ((value & 0x1F) != 0)
                {
                    return result(NvmeStatus.INVALID_FIELD | DNR, 0); // one power state
                }
                powerManagement = value;
                return result(NvmeStatus.SUCCESS, 0);
            case NvmeOpcodes.FEATURE_TEMPERATURE_THRESHOLD:
                temperatureThreshold = value & 0xFFFF;
                return result(NvmeStatus.SUCCESS, 0);
            case NvmeOpcodes.FEATURE_ASYNC_EVENT_CONFIG:
                asyncEventConfig = value;
                return result(NvmeStatus.SUCCESS, 0);
            case NvmeOpcodes.FEATURE_HOST_BEHAVIOR_SUPPORT:
            {
                final int segments = prps.resolve(command.prp1(), command.prp2(), NvmeOpcodes.HOST_BEHAVIOR_LENGTH,
                    segmentAddr, segmentLen);
                if (segments < 0)
                {
                    return result(-segments, 0);
                }
                if (!prps.read(segmentAddr, segmentLen, segments, page, 0))
                {
                    return result(NvmeStatus.DATA_TRANSFER_ERROR, 0);
                }
                io.retryDelayEnabled((page.getByte(0) & NvmeOpcodes.HOST_BEHAVIOR_ACRE) != 0);
                return result(NvmeStatus.SUCCESS, 0);
            }
            case NvmeOpcodes.FEATURE_VOLATILE_WRITE_CACHE:
            default:
                return result(NvmeStatus.INVALID_FIELD | DNR, 0);
        }
    }

    private long getFeatures(final SubmissionQueueEntry command)
    {
        final int select = (command.cdw10() >>> 8) & 0x7;
        if (select > 3)
        {
            return result(NvmeStatus.INVALID_FIELD | DNR, 0);
        }
        switch (command.featureId())
        {
            case NvmeOpcodes.FEATURE_NUMBER_OF_QUEUES:
                return result(NvmeStatus.SUCCESS, queuesAllocatedBySetFeatures
                    ? NvmeOpcodes.encodeNumberOfQueues(allocatedSqs, allocatedCqs)
                    : NvmeOpcodes.encodeNumberOfQueues(NvmeController.MAX_IO_QUEUES, NvmeController.MAX_IO_QUEUES));
            case NvmeOpcodes.FEATURE_INTERRUPT_COALESCING:
                return result(NvmeStatus.SUCCESS, interruptCoalescing);
            case NvmeOpcodes.FEATURE_ARBITRATION:
                return result(NvmeStatus.SUCCESS, arbitration);
            case NvmeOpcodes.FEATURE_POWER_MANAGEMENT:
                return result(NvmeStatus.SUCCESS, powerManagement);
            case NvmeOpcodes.FEATURE_TEMPERATURE_THRESHOLD:
                return result(NvmeStatus.SUCCESS, temperatureThreshold);
            case NvmeOpcodes.FEATURE_ASYNC_EVENT_CONFIG:
                return result(NvmeStatus.SUCCESS, asyncEventConfig);
            case NvmeOpcodes.FEATURE_VOLATILE_WRITE_CACHE:
                return result(NvmeStatus.SUCCESS, 0);
            default:
                return result(NvmeStatus.INVALID_FIELD | DNR, 0);
        }
    }

    private int getLogPage(final SubmissionQueueEntry command)
    {
        final long lengthBytes = command.logPageDwords() * 4;
        final long offset = command.logPageOffset();
        final int pageLength;
        page.setMemory(0, PAGE_SIZE, (byte)0);
        switch (command.logPageId())
        {
            case NvmeOpcodes.LOG_ERROR_INFORMATION:
                pageLength = logs.errorPage(page);
                break;
            case NvmeOpcodes.LOG_SMART_HEALTH:
            {
                final long nsid = command.nsid();
                if (nsid != 0 && nsid != 1 && nsid != 0xFFFF_FFFFL)
                {
                    return NvmeStatus.INVALID_NAMESPACE | DNR;
                }
                pageLength = logs.smartPage(page);
                break;
            }
            case NvmeOpcodes.LOG_FIRMWARE_SLOT:
                pageLength = LogPages.FIRMWARE_SLOT_LENGTH;
                LogPages.putFirmwareSlotLog(page, IdentifyController.EBS_FIRMWARE_REVISION);
                break;
            default:
                return NvmeStatus.INVALID_LOG_PAGE | DNR;
        }
        // LPOU:LPOL is an unsigned 64-bit offset: one of 2^63 or more reads as negative here and is beyond the log too.
        if (offset < 0 || (offset & 3) != 0 || offset >= pageLength || lengthBytes > PAGE_SIZE * 2L)
        {
            return NvmeStatus.INVALID_FIELD | DNR;
        }
        // Bytes past the log's end read as zeros; the whole requested length is transferred.
        if (lengthBytes <= PAGE_SIZE - offset)
        {
            return transferOut(command, page, (int)offset, (int)lengthBytes);
        }
        return NvmeStatus.INVALID_FIELD | DNR;
    }
}

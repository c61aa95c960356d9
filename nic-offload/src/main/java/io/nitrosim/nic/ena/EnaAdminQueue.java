package io.nitrosim.nic.ena;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.BarRegisterFile;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.queue.CompletionQueueWriter;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.queue.SubmissionQueueReader;

/**
 * The admin queue of an ENA function: the admin SQ and CQ latched from AQ/ACQ registers on the first AQ_DB after a
 * reset, and the commands (queue creation through {@link EnaQueues}, features, statistics), answered with ENA
 * status codes, never with an exception. Admin completions raise vector 0 unless INTR_MASK masks them. Agent thread.
 */
final class EnaAdminQueue
{
    static final int MAX_ADMIN_DEPTH = 4096;

    private final EnaFunction device;
    private final EnaQueues queues;
    private final EnaAenq aenq;
    private final EnaDeviceMeters meters;
    private final SubmissionQueueReader sq =
        new SubmissionQueueReader(RingNumbering.RUNNING_COUNTER, AdminCommand.LENGTH, 1);
    private final CompletionQueueWriter cq = new CompletionQueueWriter(RingNumbering.RUNNING_COUNTER);
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[AdminCommand.LENGTH]);
    private final UnsafeBuffer response = new UnsafeBuffer(new byte[AdminCompletion.LENGTH]);
    private final AdminCommand cmd = new AdminCommand();
    private final AdminCompletion resp = new AdminCompletion();
    private boolean configured;
    private boolean work;
    private int doorbellTail;

    EnaAdminQueue(final EnaFunction device, final EnaQueues queues, final EnaAenq aenq, final EnaDeviceMeters meters)
    {
        this.device = device;
        this.queues = queues;
        this.aenq = aenq;
        this.meters = meters;
    }

    void clear()
    {
        configured = false;
        work = false;
        doorbellTail = 0;
        sq.close();
        cq.close();
    }

    /** AQ_DB: the driver's admin SQ tail. */
    void doorbell(final int tail)
    {
        doorbellTail = tail & 0xFFFF;
        sq.tail(doorbellTail);
        work = true;
    }

    boolean hasWork()
    {
        return work;
    }

    /** Executes every command up to the tail. @return commands executed (1 for a failed configuration). */
    int process()
    {
        work = false;
        if (!configured && !configure())
        {
            return 1;
        }
        if (((sq.tail() - sq.head().value()) & 0xFFFF) > sq.entries())
        {
            // More new commands than the ring holds: the device cannot tell new entries from stale ones, and
            // answering them all would overwrite completions the driver has not read (up to 65,535 per doorbell).
            device.fatal(EnaResetReason.DRIVER_INVALID_STATE);
            return 1;
        }
        int executed = 0;
        final DmaPort dma = device.dma();
        final BarRegisterFile regs = device.registers(EnaRegisters.REGISTER_BAR);
        while (!sq.isEmpty() && !device.isFatal())
        {
            final boolean expectedPhase = sq.head().phase();
            if (sq.fetch(dma, command, 0) != DmaPort.OK)
            {
                device.fatal(EnaResetReason.ADMIN_TO); // the driver would never see its completion
                break;
            }
            cmd.wrap(command, 0);
            resp.wrap(response, 0).clear();
            meters.adminCommands.incrementRelease();
            final int status = cmd.phase() != expectedPhase ? EnaAdmin.MALFORMED_REQUEST : execute();
            resp.header(cmd.commandId(), status, cq.phase(), sq.head().value());
            if (cq.post(dma, response, 0) != DmaPort.OK)
            {
                device.fatal(EnaResetReason.ADMIN_TO);
                break;
            }
            regs.putInt(EnaRegisters.ACQ_TAIL, cq.tail());
            if ((regs.getInt(EnaRegisters.INTR_MASK) & EnaRegisters.INTR_MASK_ADMIN) == 0)
            {
                queues.vectors().raise(0);
            }
            executed++;
        }
        return executed;
    }

    private boolean configure()
    {
        final BarRegisterFile regs = device.registers(EnaRegisters.REGISTER_BAR);
        final long aqBase = device.registerAddress(EnaRegisters.AQ_BASE_LO);
        final long acqBase = device.registerAddress(EnaRegisters.ACQ_BASE_LO);
        final int aqCaps = regs.getInt(EnaRegisters.AQ_CAPS);
        final int acqCaps = regs.getInt(EnaRegisters.ACQ_CAPS);
        final int aqDepth = aqCaps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        final int acqDepth = acqCaps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        if (!validRing(aqBase, aqDepth, aqCaps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT)
            || !validRing(acqBase, acqDepth, acqCaps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT)
            || acqDepth < aqDepth)
        {
            device.fatal(EnaResetReason.INIT_ERR);
            return false;
        }
        sq.open(aqBase, aqDepth);
        sq.tail(doorbellTail);
        cq.open(acqBase, acqDepth, AdminCompletion.LENGTH, 0);
        configured = true;
        return true;
    }

    /** Whether an admin or event ring's base, depth and entry size are usable. */
    static boolean validRing(final long base, final int depth, final int entrySize)
    {
        return entrySize == EnaAdmin.ENTRY_SIZE_BYTES && depth >= 2 && depth <= MAX_ADMIN_DEPTH
            && Integer.bitCount(depth) == 1 && (base & 7) == 0 && EnaMemAddress.fits(base)
            && base + (long)depth * entrySize <= EnaRegisters.DMA_ADDRESS_LIMIT;
    }

    private int execute()
    {
        switch (cmd.opcode())
        {
            case EnaAdmin.CREATE_CQ:
                return queues.createCq(cmd, resp);
            case EnaAdmin.DESTROY_CQ:
                return queues.destroyCq(cmd);
            case EnaAdmin.CREATE_SQ:
                return queues.createSq(cmd, resp);
            case EnaAdmin.DESTROY_SQ:
                return queues.destroySq(cmd);
            case EnaAdmin.GET_FEATURE:
                return getFeature();
            case EnaAdmin.SET_FEATURE:
                return setFeature();
            case EnaAdmin.GET_STATS:
                return getStats();
            default:
                return EnaAdmin.BAD_OPCODE;
        }
    }

    private int getFeature()
    {
        switch (cmd.u8(AdminCommand.FEATURE_ID_OFFSET))
        {
            case EnaAdmin.FEATURE_DEVICE_ATTRIBUTES:
                resp.u32(AdminCompletion.DEV_ATTR_IMPL_ID_OFFSET, 0)
                    .u32(AdminCompletion.DEV_ATTR_DEVICE_VERSION_OFFSET, 0)
                    .u32(AdminCompletion.DEV_ATTR_SUPPORTED_FEATURES_OFFSET, EnaFunction.SUPPORTED_FEATURES)
                    .u32(AdminCompletion.DEV_ATTR_CAPABILITIES_OFFSET, 1 << EnaAdmin.CAPABILITY_ENI_STATS)
                    .u32(AdminCompletion.DEV_ATTR_PHYS_ADDR_WIDTH_OFFSET, EnaRegisters.DMA_ADDRESS_WIDTH_BITS)
                    .u32(AdminCompletion.DEV_ATTR_VIRT_ADDR_WIDTH_OFFSET, EnaRegisters.DMA_ADDRESS_WIDTH_BITS)
                    .macAddress(device.macAddress())
                    .u32(AdminCompletion.DEV_ATTR_MAX_MTU_OFFSET, EnaFunction.MAX_MTU);
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_MAX_QUEUES_NUM:
                resp.u32(AdminCompletion.MAX_QUEUES_SQ_NUM_OFFSET, device.maxQueuePairs())
                    .u32(AdminCompletion.MAX_QUEUES_SQ_DEPTH_OFFSET, device.maxQueueDepth())
                    .u32(AdminCompletion.MAX_QUEUES_CQ_NUM_OFFSET, device.maxQueuePairs())
                    .u32(AdminCompletion.MAX_QUEUES_CQ_DEPTH_OFFSET, device.maxQueueDepth())
                    .u32(AdminCompletion.MAX_QUEUES_LLQ_NUM_OFFSET, 0)
                    .u32(AdminCompletion.MAX_QUEUES_LLQ_DEPTH_OFFSET, 0)
                    .u32(AdminCompletion.MAX_QUEUES_HEADER_SIZE_OFFSET, 0)
                    .u16(AdminCompletion.MAX_QUEUES_PACKET_TX_DESCS_OFFSET, EnaFunction.MAX_PACKET_DESCS)
                    .u16(AdminCompletion.MAX_QUEUES_PACKET_RX_DESCS_OFFSET, EnaFunction.MAX_PACKET_DESCS);
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_MTU:
                resp.u32(AdminCompletion.MTU_OFFSET, device.mtu());
                return EnaAdmin.SUCCESS;
            case EnaAdmin.FEATURE_AENQ_CONFIG:
                resp.u32(AdminCompletion.AENQ_SUPPORTED_GROUPS_OFFSET, EnaFunction.AENQ_SUPPORTED_GROUPS)
                    .u32(AdminCompletion.AENQ_ENABLED_GROUPS_OFFSET, aenq.enabledGroups());
                return EnaAdmin.SUCCESS;
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }

    private int setFeature()
    {
        switch (cmd.u8(AdminCommand.FEATURE_ID_OFFSET))
        {
            case EnaAdmin.FEATURE_MTU:
            {
                final int requested = cmd.u32(AdminCommand.SET_MTU_OFFSET);
                if (requested < EnaFunction.MIN_MTU || requested > EnaFunction.MAX_MTU)
                {
                    return EnaAdmin.ILLEGAL_PARAMETER;
                }
                device.mtu(requested);
                return EnaAdmin.SUCCESS;
            }
            case EnaAdmin.FEATURE_AENQ_CONFIG:
                return aenq.enableGroups(cmd.u32(AdminCommand.SET_AENQ_ENABLED_GROUPS_OFFSET));
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }

    private int getStats()
    {
        final int deviceId = cmd.u16(AdminCommand.GET_STATS_DEVICE_ID_OFFSET);
        if (deviceId != EnaAdmin.STATS_DEVICE_ID_MINE && deviceId != 0)
        {
            return EnaAdmin.ILLEGAL_PARAMETER; // only a privileged function may read another's statistics
        }
        switch (cmd.u8(AdminCommand.GET_STATS_TYPE_OFFSET))
        {
            case EnaAdmin.STATS_TYPE_BASIC:
                resp.u64(AdminCompletion.BASIC_TX_BYTES_OFFSET, meters.txBytes.get())
                    .u64(AdminCompletion.BASIC_TX_PKTS_OFFSET, meters.txFrames.get())
                    .u64(AdminCompletion.BASIC_RX_BYTES_OFFSET, meters.rxBytes.get())
                    .u64(AdminCompletion.BASIC_RX_PKTS_OFFSET, meters.rxFrames.get())
                    .u64(AdminCompletion.BASIC_RX_DROPS_OFFSET, meters.rxDrops())
                    .u64(AdminCompletion.BASIC_TX_DROPS_OFFSET, meters.txErrors.get())
                    .u64(AdminCompletion.BASIC_RX_OVERRUNS_OFFSET, meters.rxOverruns.get());
                return EnaAdmin.SUCCESS;
            case EnaAdmin.STATS_TYPE_ENI:
                for (int i = 0; i < EnaAdmin.ENI_STATS_COUNT; i++)
                {
                    resp.u64(AdminCompletion.ENI_STATS_OFFSET + 8 * i, meters.eniStat(i));
                }
                return EnaAdmin.SUCCESS;
            default:
                return EnaAdmin.UNSUPPORTED_OPCODE;
        }
    }
}

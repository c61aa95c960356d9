package io.nitrosim.nic.ena;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.BarRegisterFile;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.queue.CompletionQueueWriter;
import io.nitrosim.pci.queue.RingNumbering;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.time.SimAgent;

/**
 * The asynchronous event notification queue of an ENA function: latched from the AENQ registers on the first
 * AENQ_HEAD_DB, which also says how far the device may write (entries consumed + depth; a full queue drops the
 * event and counts it). Events: LINK_CHANGE (the link's state) as soon as the group is enabled and whenever the
 * link goes down or up, KEEP_ALIVE every
 * {@code keepAliveIntervalNs}, FATAL_ERROR with the reset reason as syndrome. Each raises vector 0. Agent thread.
 */
final class EnaAenq
{
    private final EnaFunction device;
    private final EnaQueues queues;
    private final EnaDeviceMeters meters;
    private final long keepAliveIntervalNs;
    private final CompletionQueueWriter ring = new CompletionQueueWriter(RingNumbering.RUNNING_COUNTER);
    private final UnsafeBuffer event = new UnsafeBuffer(new byte[AenqEntry.LENGTH]);
    private final AenqEntry entry = new AenqEntry();
    private boolean configured;
    private int enabledGroups;
    private long nextKeepAliveNs = SimAgent.NO_DEADLINE;

    EnaAenq(final EnaFunction device, final EnaQueues queues, final EnaDeviceMeters meters,
        final long keepAliveIntervalNs)
    {
        this.device = device;
        this.queues = queues;
        this.meters = meters;
        this.keepAliveIntervalNs = keepAliveIntervalNs;
    }

    void clear()
    {
        configured = false;
        ring.close();
        enabledGroups = 0;
        nextKeepAliveNs = SimAgent.NO_DEADLINE;
    }

    int enabledGroups()
    {
        return enabledGroups;
    }

    /** When the next KEEP_ALIVE is due, {@link SimAgent#NO_DEADLINE} when the group is off. */
    long nextKeepAliveNs()
    {
        return nextKeepAliveNs;
    }

    /** AENQ_HEAD_DB: entries consumed + depth, the count up to which the device may write. */
    void doorbell(final int value)
    {
        if (!configured && !configure())
        {
            return;
        }
        ring.head(value & 0xFFFF);
    }

    private boolean configure()
    {
        final BarRegisterFile regs = device.registers(EnaRegisters.REGISTER_BAR);
        final long base = device.registerAddress(EnaRegisters.AENQ_BASE_LO);
        final int caps = regs.getInt(EnaRegisters.AENQ_CAPS);
        final int depth = caps & EnaRegisters.QUEUE_CAPS_DEPTH_MASK;
        if (!EnaAdminQueue.validRing(base, depth, caps >>> EnaRegisters.QUEUE_CAPS_ENTRY_SIZE_SHIFT))
        {
            device.fatal(EnaResetReason.INIT_ERR);
            return false;
        }
        ring.open(base, depth, AenqEntry.LENGTH, 0);
        configured = true;
        return true;
    }

    /** SET_FEATURE AENQ_CONFIG. @return an EnaAdmin status. */
    int enableGroups(final int enabled)
    {
        if ((enabled & ~EnaFunction.AENQ_SUPPORTED_GROUPS) != 0)
        {
            return EnaAdmin.ILLEGAL_PARAMETER;
        }
        final int newlyEnabled = enabled & ~enabledGroups;
        enabledGroups = enabled;
        final long nowNs = device.nowNs();
        if ((newlyEnabled & (1 << EnaAdmin.AENQ_LINK_CHANGE)) != 0)
        {
            postLinkChange(device.linkUp(), nowNs); // the link state as soon as someone listens
        }
        if ((enabled & (1 << EnaAdmin.AENQ_KEEP_ALIVE)) == 0)
        {
            nextKeepAliveNs = SimAgent.NO_DEADLINE;
        }
        else if ((newlyEnabled & (1 << EnaAdmin.AENQ_KEEP_ALIVE)) != 0)
        {
            nextKeepAliveNs = nowNs + keepAliveIntervalNs;
        }
        return EnaAdmin.SUCCESS;
    }

    /** Posts a KEEP_ALIVE if one is due. @return 1 if it was due. */
    int keepAlive(final long nowNs)
    {
        if (nowNs < nextKeepAliveNs)
        {
            return 0;
        }
        if (header(EnaAdmin.AENQ_KEEP_ALIVE, 0, nowNs))
        {
            entry.u64(AenqEntry.KEEP_ALIVE_RX_DROPS_OFFSET, meters.rxDrops())
                .u64(AenqEntry.KEEP_ALIVE_TX_DROPS_OFFSET, meters.txErrors.get())
                .u64(AenqEntry.KEEP_ALIVE_RX_OVERRUNS_OFFSET, meters.rxOverruns.get());
            write();
        }
        nextKeepAliveNs = Math.max(nextKeepAliveNs + keepAliveIntervalNs, nowNs);
        return 1;
    }

    /** Posts LINK_CHANGE with link_status {@code up} (if the group is enabled). */
    void postLinkChange(final boolean up, final long nowNs)
    {
        if (header(EnaAdmin.AENQ_LINK_CHANGE, 0, nowNs))
        {
            entry.linkUp(up);
            write();
        }
    }

    /** Posts an event of {@code group} with {@code syndrome} and no data (FATAL_ERROR). */
    void post(final int group, final int syndrome, final long nowNs)
    {
        if (header(group, syndrome, nowNs))
        {
            write();
        }
    }

    /** Prepares an event in the scratch entry. @return false when the group is off or the queue full (dropped). */
    private boolean header(final int group, final int syndrome, final long nowNs)
    {
        if (!configured || (enabledGroups & (1 << group)) == 0)
        {
            return false;
        }
        if (!ring.hasRoom())
        {
            meters.aenqDropped.incrementRelease(); // the driver has not handed the entries back
            return false;
        }
        entry.wrap(event, 0).clear().header(group, syndrome, ring.phase(), nowNs);
        device.tracer().emit(TraceKind.AENQ, -1, group, syndrome, 0, 0);
        return true;
    }

    private void write()
    {
        if (ring.post(device.dma(), event, 0) != DmaPort.OK)
        {
            configured = false; // never loop through fatal -> AENQ -> fatal
            device.fatal(EnaResetReason.GENERIC);
            return;
        }
        device.registers(EnaRegisters.REGISTER_BAR).putInt(EnaRegisters.AENQ_TAIL, ring.tail());
        queues.vectors().raise(0);
    }
}

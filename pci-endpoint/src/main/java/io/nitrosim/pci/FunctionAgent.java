package io.nitrosim.pci;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * The agent the host runs for a {@link PciFunction}: reset, unmasked MSI-X, doorbells, then the device's own work.
 * Its own fields are the agent thread's; what it shares with the host side (reset generation, doorbell ring,
 * counters) is the function's.
 */
final class FunctionAgent implements SimAgent, MessageHandler
{
    private final PciFunction fn;
    private int agentGeneration;
    private long overflowsSeen;

    FunctionAgent(final PciFunction fn)
    {
        this.fn = fn;
    }

    @Override
    public void onStart()
    {
        fn.onAgentStart();
    }

    @Override
    public int doWork()
    {
        int work = 0;
        final int generation = fn.resetGeneration.get();
        if (generation != agentGeneration)
        {
            agentReset(generation);
            work++;
        }
        if (fn.msix != null)
        {
            work += fn.msix.deliverUnmaskedPending();
        }
        work += fn.doorbellRing.drain(this);
        final long overflows = fn.doorbellOverflows.get();
        if (overflows != overflowsSeen)
        {
            final long missed = overflows - overflowsSeen;
            overflowsSeen = overflows;
            work += replayLatchedDoorbells();
            fn.onDoorbellOverflow(missed);
        }
        work += fn.doDeviceWork();
        return work;
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int generation = buffer.getInt(index + DoorbellRing.GENERATION_OFFSET);
        if (generation != agentGeneration)
        {
            if (generation != fn.resetGeneration.get())
            {
                fn.doorbellsDiscarded.increment(); // written before a reset
                return;
            }
            agentReset(generation); // a reset happened during this drain; this record is newer than it
        }
        final int barIndex = buffer.getInt(index + DoorbellRing.BAR_INDEX_OFFSET);
        final int offset = buffer.getInt(index + DoorbellRing.OFFSET_OFFSET);
        if (!fn.bars[barIndex].acceptDelivery(offset, buffer.getInt(index + DoorbellRing.SEQUENCE_OFFSET)))
        {
            fn.doorbellsCoalesced.increment(); // a newer value of this register was already delivered
            return;
        }
        final int value = (int)buffer.getLong(index + DoorbellRing.VALUE_OFFSET);
        fn.tracer.emit(TraceKind.DOORBELL, -1, barIndex, offset, value & 0xFFFF_FFFFL, 0);
        fn.onDoorbell(barIndex, offset, value);
    }

    /** After an overflow: hands the device the newest value of every register written since its last one. */
    private int replayLatchedDoorbells()
    {
        int delivered = 0;
        for (final BarRegisterFile bar : fn.bars)
        {
            if (bar == null)
            {
                continue;
            }
            for (int i = 0, n = bar.latchDwords(); i < n; i++)
            {
                final long word = bar.latchWord(i);
                final int offset = bar.latchOffset(i);
                if (bar.acceptDelivery(offset, (int)(word >>> 32)))
                {
                    fn.tracer.emit(TraceKind.DOORBELL, -1, bar.barIndex(), offset, word & 0xFFFF_FFFFL, 0);
                    fn.onDoorbell(bar.barIndex(), offset, (int)word);
                    delivered++;
                }
            }
        }
        return delivered;
    }

    private void agentReset(final int generation)
    {
        agentGeneration = generation;
        for (final BarRegisterFile bar : fn.bars)
        {
            if (bar != null)
            {
                bar.resetDeviceOwnedRegions();
                bar.resetDeliveredSequences();
            }
        }
        fn.onReset();
    }

    @Override
    public long nextDeadlineNs()
    {
        return fn.deviceNextDeadlineNs();
    }

    @Override
    public void bindWake(final Wake wake)
    {
        fn.onBindWake(wake);
    }

    @Override
    public boolean wakesOnInput()
    {
        return fn.deviceWakesOnInput();
    }

    /** The device's channels wake this agent (and with it its group): it may then sleep while the group works. */
    @Override
    public void bindAgentWake(final Wake wake)
    {
        fn.agentWake = wake == null ? Wake.NONE : wake;
        fn.onBindWake(fn.agentWake);
    }

    /** Nothing of its own waiting (doorbells, reset, MSI-X, overflows) and the device idle until woken. */
    @Override
    public boolean idleUntilWoken()
    {
        return fn.agentWake != Wake.NONE && fn.deviceIdleUntilWoken() && fn.doorbellRing.isEmpty()
            && fn.resetGeneration.get() == agentGeneration && (fn.msix == null || !fn.msix.isDirty())
            && fn.doorbellOverflows.get() == overflowsSeen;
    }

    @Override
    public void onClose()
    {
        fn.onAgentClose();
    }

    @Override
    public String roleName()
    {
        return fn.name();
    }
}

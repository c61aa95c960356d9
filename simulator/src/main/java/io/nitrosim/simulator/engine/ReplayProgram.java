package io.nitrosim.simulator.engine;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.simulator.trace.ReplayScript;

/**
 * What runs on vCPU 0 of an instance in a replay instead of its drivers and workloads: the recorded register
 * accesses, each at its recorded simulated time, after writing back the guest memory the device read after it.
 * <p>
 * An access is issued when its time has come and the replay's own trace has reached the access's position in the
 * recorded one, i.e. every device event that preceded it at the same instant has happened again; so accesses the
 * driver made in several passes at one instant (an interrupt handled, a completion read, a doorbell rung) reach
 * the device between the same device events as before. If the device model no longer produces those events (a
 * changed model), the access is issued one nanosecond later: the replay goes on and the trace diff shows where
 * it departed.
 */
final class ReplayProgram implements GuestProgram
{
    private final ReplayScript.Inputs inputs;
    private final IntFunction<FunctionAccess> functions;
    private final GuestMemoryAccess memory;
    private final LongSupplier recorded;
    private GuestContext context;
    private int next;

    /**
     * @param functions the instance's function by PCI device number
     * @param recorded  the number of records the replay's trace holds so far
     */
    ReplayProgram(final ReplayScript.Inputs inputs, final IntFunction<FunctionAccess> functions,
        final GuestMemoryAccess memory, final LongSupplier recorded)
    {
        this.inputs = inputs;
        this.functions = functions;
        this.memory = memory;
        this.recorded = recorded;
    }

    @Override
    public void onStart(final GuestContext ctx)
    {
        context = ctx;
    }

    @Override
    public int doWork(final GuestContext ctx)
    {
        context = ctx;
        final long nowNs = ctx.nowNs();
        int work = 0;
        while (next < inputs.size() && nowNs >= inputs.timeNs(next)
            && (recorded.getAsLong() >= inputs.position(next) || nowNs > inputs.timeNs(next)))
        {
            issue(next++);
            work++;
        }
        return work;
    }

    private void issue(final int i)
    {
        for (int d = inputs.dataFrom(i); d < inputs.dataTo(i); d++)
        {
            memory.write(inputs.dataAddress(d), inputs.data(), inputs.dataOffset(d), inputs.dataLength(d));
        }
        final FunctionAccess f = functions.apply(inputs.function(i));
        switch (inputs.kind(i))
        {
            case TraceKind.CONFIG_READ:
                f.configRead((int)inputs.arg(i, 0), (int)inputs.arg(i, 1));
                break;
            case TraceKind.CONFIG_WRITE:
                f.configWrite((int)inputs.arg(i, 0), (int)inputs.arg(i, 1), (int)inputs.arg(i, 2));
                break;
            case TraceKind.MMIO_READ:
                f.mmioRead((int)inputs.arg(i, 0), inputs.arg(i, 1), (int)inputs.arg(i, 2));
                break;
            default:
                f.mmioWrite((int)inputs.arg(i, 0), inputs.arg(i, 1), (int)inputs.arg(i, 2), inputs.arg(i, 3));
                break;
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        return next < inputs.size() ? Math.max(inputs.timeNs(next), context == null ? 0 : context.nowNs())
            : NO_DEADLINE;
    }
}

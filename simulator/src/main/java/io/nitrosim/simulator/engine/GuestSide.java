package io.nitrosim.simulator.engine;

import java.util.Arrays;

import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.GuestTask;

/**
 * What runs inside one instance: the reference drivers and workloads of the cards ({@link GuestTask}s), on vCPU 0,
 * touching the devices only through the hypervisor's view of the instance's bus and memory, as a guest kernel
 * would. A task may join the duty cycle later than the start ({@link #add(GuestTask, long)}): until then it is
 * not run and its deadline is its start; one may leave ({@link #remove}), as a driver unloads when its device goes.
 */
public final class GuestSide implements GuestProgram
{
    /** Guest-physical region the guest's drivers allocate queues and buffers from. */
    public static final long DMA_REGION_BASE = 16L << 20;

    private final Instance instance;
    private final GuestMemoryAllocator allocator;
    private GuestTask[] tasks = new GuestTask[0];
    private long[] startNs = new long[0];
    private GuestContext context;

    public GuestSide(final Instance instance, final long dmaRegionBytes)
    {
        this.instance = instance;
        this.allocator = new GuestMemoryAllocator(DMA_REGION_BASE,
            Math.min(dmaRegionBytes, instance.memory().sizeBytes() - DMA_REGION_BASE));
    }

    public GuestMemoryAccess memory()
    {
        return instance.driverMemory();
    }

    public GuestMemoryAllocator allocator()
    {
        return allocator;
    }

    /** The driver's view of the function at {@code address} of this instance's bus. */
    public FunctionAccess function(final PciAddress address)
    {
        return instance.functionAccess(address);
    }

    /** Runs {@code task} from the start. */
    public void add(final GuestTask task)
    {
        add(task, 0);
    }

    /** Runs {@code task} from simulated time {@code taskStartNs} on (interrupts reach it at any time). */
    public void add(final GuestTask task, final long taskStartNs)
    {
        tasks = Arrays.copyOf(tasks, tasks.length + 1);
        startNs = Arrays.copyOf(startNs, startNs.length + 1);
        tasks[tasks.length - 1] = task;
        startNs[startNs.length - 1] = taskStartNs;
    }

    /** Stops running {@code task} (it gets no more duty cycles or interrupts); nothing if it is not a task here. */
    public void remove(final GuestTask task)
    {
        for (int i = 0; i < tasks.length; i++)
        {
            if (tasks[i] == task)
            {
                final GuestTask[] t = new GuestTask[tasks.length - 1];
                final long[] s = new long[startNs.length - 1];
                System.arraycopy(tasks, 0, t, 0, i);
                System.arraycopy(tasks, i + 1, t, i, tasks.length - i - 1);
                System.arraycopy(startNs, 0, s, 0, i);
                System.arraycopy(startNs, i + 1, s, i, startNs.length - i - 1);
                tasks = t;
                startNs = s;
                return;
            }
        }
    }

    public boolean hasTasks()
    {
        return tasks.length > 0;
    }

    /** Loads this program on vCPU 0 of the instance. */
    public void install()
    {
        instance.loadProgram(0, this);
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
        for (int i = 0; i < tasks.length; i++)
        {
            if (nowNs >= startNs[i])
            {
                work += tasks[i].doWork(nowNs);
            }
        }
        return work;
    }

    @Override
    public void onInterrupt(final int vector, final GuestContext ctx)
    {
        context = ctx;
        for (final GuestTask task : tasks)
        {
            task.onInterrupt(vector);
        }
    }

    @Override
    public boolean wakesOnInput()
    {
        for (final GuestTask task : tasks)
        {
            if (!task.wakesOnInput())
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public long nextDeadlineNs()
    {
        final long nowNs = context.nowNs();
        long deadline = NO_DEADLINE;
        for (int i = 0; i < tasks.length; i++)
        {
            deadline = Math.min(deadline, nowNs < startNs[i] ? startNs[i] : tasks[i].nextDeadlineNs());
        }
        return deadline;
    }
}

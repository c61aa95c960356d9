package io.nitrosim.simulator.engine;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.pci.GuestMemoryAllocator;

/**
 * What runs inside one instance: the reference drivers and workloads of the cards, on vCPU 0, touching the
 * devices only through the hypervisor's PCI bus and the instance's guest memory, as a guest kernel would.
 */
public final class GuestSide implements GuestProgram
{
    /** Guest-physical region the guest's drivers allocate queues and buffers from. */
    public static final long DMA_REGION_BASE = 16L << 20;

    /** A driver or workload driven by the guest program's duty cycle. */
    public interface Task
    {
        int doWork(long nowNs);

        long nextDeadlineNs();

        void onInterrupt(int vector);
    }

    private final Instance instance;
    private final GuestMemoryAccess memory;
    private final GuestMemoryAllocator allocator;
    private final List<Task> taskList = new ArrayList<>();
    private Task[] tasks = new Task[0];
    private GuestContext context;

    public GuestSide(final Instance instance, final long dmaRegionBytes)
    {
        this.instance = instance;
        this.memory = new MemoryAccess(instance.memory());
        this.allocator = new GuestMemoryAllocator(DMA_REGION_BASE,
            Math.min(dmaRegionBytes, instance.memory().sizeBytes() - DMA_REGION_BASE));
    }

    public GuestMemoryAccess memory()
    {
        return memory;
    }

    public GuestMemoryAllocator allocator()
    {
        return allocator;
    }

    /** The driver's view of the function at {@code address} of this instance's bus. */
    public FunctionAccess function(final PciAddress address)
    {
        return new SlotAccess(address);
    }

    public void add(final Task task)
    {
        taskList.add(task);
        tasks = taskList.toArray(new Task[0]);
    }

    public boolean hasTasks()
    {
        return !taskList.isEmpty();
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
        for (final Task task : tasks)
        {
            work += task.doWork(nowNs);
        }
        return work;
    }

    @Override
    public void onInterrupt(final int vector, final GuestContext ctx)
    {
        context = ctx;
        for (final Task task : tasks)
        {
            task.onInterrupt(vector);
        }
    }

    @Override
    public long nextDeadlineNs()
    {
        long deadline = NO_DEADLINE;
        for (final Task task : tasks)
        {
            deadline = Math.min(deadline, task.nextDeadlineNs());
        }
        return deadline;
    }

    /** Config and MMIO accesses to one slot, through the vCPU's context (the program's current one). */
    private final class SlotAccess implements FunctionAccess
    {
        private final PciAddress address;

        SlotAccess(final PciAddress address)
        {
            this.address = address;
        }

        @Override
        public int configRead(final int offset, final int sizeBytes)
        {
            return context.configRead(address, offset, sizeBytes);
        }

        @Override
        public void configWrite(final int offset, final int sizeBytes, final int value)
        {
            context.configWrite(address, offset, sizeBytes, value);
        }

        @Override
        public long mmioRead(final int barIndex, final long offset, final int sizeBytes)
        {
            return context.mmioRead(address, barIndex, offset, sizeBytes);
        }

        @Override
        public void mmioWrite(final int barIndex, final long offset, final int sizeBytes, final long value)
        {
            context.mmioWrite(address, barIndex, offset, sizeBytes, value);
        }
    }

    /** The pci-endpoint driver view over the hypervisor's guest memory; a bad address is a guest bug. */
    private static final class MemoryAccess implements GuestMemoryAccess
    {
        private final GuestMemory memory;

        MemoryAccess(final GuestMemory memory)
        {
            this.memory = memory;
        }

        @Override
        public long sizeBytes()
        {
            return memory.sizeBytes();
        }

        @Override
        public void read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            if (!memory.read(address, dst, dstOffset, length))
            {
                throw outside(address, length);
            }
        }

        @Override
        public void write(final long address, final DirectBuffer src, final int srcOffset, final int length)
        {
            if (!memory.write(address, src, srcOffset, length))
            {
                throw outside(address, length);
            }
        }

        @Override
        public long getLong(final long address)
        {
            return memory.getLongVolatile(address);
        }

        @Override
        public void putLong(final long address, final long value)
        {
            memory.putLongVolatile(address, value);
        }

        @Override
        public int getInt(final long address)
        {
            return memory.getIntVolatile(address);
        }

        @Override
        public void putInt(final long address, final int value)
        {
            memory.putIntVolatile(address, value);
        }

        @Override
        public void zero(final long address, final long length)
        {
            memory.setMemory(address, length, (byte)0);
        }

        private IndexOutOfBoundsException outside(final long address, final int length)
        {
            return new IndexOutOfBoundsException("guest access of " + length + " B at 0x" + Long.toHexString(address)
                + " is outside the guest's " + memory.sizeBytes() + " B");
        }
    }
}

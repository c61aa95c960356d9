package io.nitrosim.hypervisor.vcpu;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestMemory;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.guest.PciDeviceInfo;
import io.nitrosim.hypervisor.pci.PciBus;
import io.nitrosim.pci.queue.RingReads;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.Wake;

/**
 * One vCPU: an agent that runs a {@link GuestProgram} and delivers the interrupts routed to it.
 * <p>
 * Interrupts arrive from function threads through a many-to-one Agrona ring (the function side produces,
 * this agent consumes), so cards and vCPUs may run on different threads. Like a local APIC's IRR, a vector is
 * pending at most once: raising a vector that is already pending merges with it (counted as coalesced). That
 * bounds the ring's content to 256 records, so the ring never fills. Record layout after Agrona's 8-byte
 * header: {@code 0 vector i32}.
 * <p>
 * Start (the runtime's {@code onStart}) is a power-on: stale pending interrupts are discarded, interrupts are
 * enabled and the loaded program's {@code onStart} runs. All program calls happen on this agent's thread.
 */
public final class Vcpu implements SimAgent
{
    public static final int MSG_TYPE_INTERRUPT = 1;
    public static final int VECTOR_OFFSET = 0;
    /** 256 pending vectors x 16-byte records, twice over for records not yet reclaimed mid-read. */
    private static final int RING_CAPACITY_BYTES = 16 * 1024;
    /** Bounds one duty cycle when interrupts keep arriving from other threads. */
    private static final int MAX_INTERRUPTS_PER_DUTY_CYCLE = 256;

    /** {@link TraceKind#VCPU_INTERRUPT} argument 1: what became of the interrupt. */
    public static final int INTERRUPT_RAISED = 0;
    public static final int INTERRUPT_MERGED = 1;
    public static final int INTERRUPT_LOST = 2;
    public static final int INTERRUPT_DELIVERED = 3;
    /** {@link TraceKind#VCPU_STATE} argument 0. */
    public static final int STATE_HALTED = 0;
    public static final int STATE_RUNNING = 1;
    public static final int STATE_INTERRUPTS_DISABLED = 2;
    public static final int STATE_INTERRUPTS_ENABLED = 3;

    private static final GuestProgram HALTED = new GuestProgram()
    {
        @Override
        public void onStart(final GuestContext ctx)
        {
        }

        @Override
        public int doWork(final GuestContext ctx)
        {
            return 0;
        }

        @Override
        public boolean wakesOnInput()
        {
            return true;
        }

        @Override
        public String toString()
        {
            return "halted";
        }
    };

    private final int index;
    private final String roleName;
    private final NanoClock clock;
    private final ManyToOneRingBuffer ring;
    private final MutableDirectBuffer ringBuffer;
    private final AtomicLongArray pendingVectors = new AtomicLongArray(4);
    private final AtomicCounter delivered;
    private final AtomicCounter coalesced;
    private final AtomicCounter droppedRingFull;
    private final Context context;
    private final MessageHandler interruptHandler = this::onInterruptMessage;
    private final MessageHandler discardHandler = this::onDiscardedMessage;

    private volatile GuestProgram loaded = HALTED;
    /** The runtime's wake for this vCPU alone (a single-thread runtime skips a halted vCPU until it is called). */
    private Wake agentWake = Wake.NONE;
    private volatile int hostThreadId = -1;
    // Owned by the agent's thread.
    private GuestProgram running = HALTED;
    private boolean started;
    private boolean interruptsEnabled = true;
    private Tracer tracer = Tracer.OFF;

    /**
     * @param delivered       interrupts handed to the program
     * @param coalesced       interrupts merged with an already pending one of the same vector
     * @param droppedRingFull interrupts lost because the ring was full (should stay 0)
     */
    public Vcpu(
        final String instanceId,
        final int index,
        final int vcpuCount,
        final NanoClock clock,
        final GuestMemory memory,
        final PciBus bus,
        final AtomicCounter delivered,
        final AtomicCounter coalesced,
        final AtomicCounter droppedRingFull)
    {
        this.index = index;
        this.roleName = "vcpu-" + instanceId + "-" + index;
        this.clock = clock;
        this.ring = new ManyToOneRingBuffer(
            new UnsafeBuffer(ByteBuffer.allocateDirect(RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        this.ringBuffer = ring.buffer();
        this.delivered = delivered;
        this.coalesced = coalesced;
        this.droppedRingFull = droppedRingFull;
        this.context = new Context(instanceId, index, vcpuCount, clock, memory, bus, this);
    }

    public int index()
    {
        return index;
    }

    /**
     * Where this vCPU's interrupts and state changes are traced ({@link TraceKind#VCPU_INTERRUPT},
     * {@link TraceKind#VCPU_STATE}, queue = the vCPU index). Set before the run.
     */
    public void tracer(final Tracer tracer)
    {
        this.tracer = tracer;
    }

    /** The local APIC id MSI messages name; equal to the index. */
    public int apicId()
    {
        return index;
    }

    /** The host hardware thread this vCPU is pinned to, -1 while unplaced (stopped, terminated). */
    public int hostThreadId()
    {
        return hostThreadId;
    }

    public void pinTo(final int hostThreadId)
    {
        this.hostThreadId = hostThreadId;
    }

    /** Loads the program this vCPU runs; takes effect at the next start, or at the next duty cycle if running. */
    public void loadProgram(final GuestProgram program)
    {
        loaded = program == null ? HALTED : program;
        agentWake.wake();
    }

    public GuestProgram program()
    {
        final GuestProgram p = loaded;
        return p == HALTED ? null : p;
    }

    public GuestContext context()
    {
        return context;
    }

    /**
     * Raises {@code vector} on this vCPU; any thread. Merges with the same vector if it is already pending.
     *
     * @return true if queued, false if merged or lost.
     */
    public boolean post(final int vector)
    {
        final int word = (vector >>> 6) & 3;
        final long bit = 1L << (vector & 63);
        while (true)
        {
            final long old = pendingVectors.get(word);
            if ((old & bit) != 0)
            {
                coalesced.increment();
                tracer.emit(TraceKind.VCPU_INTERRUPT, index, vector, INTERRUPT_MERGED, 0, 0);
                return false;
            }
            if (pendingVectors.compareAndSet(word, old, old | bit))
            {
                break;
            }
        }
        final int claimIndex = ring.tryClaim(MSG_TYPE_INTERRUPT, 4);
        if (claimIndex < 0)
        {
            clearPending(vector);
            droppedRingFull.increment();
            tracer.emit(TraceKind.VCPU_INTERRUPT, index, vector, INTERRUPT_LOST, 0, 0);
            return false;
        }
        ringBuffer.putInt(claimIndex + VECTOR_OFFSET, vector & 0xFF);
        ring.commit(claimIndex);
        agentWake.wake();
        tracer.emit(TraceKind.VCPU_INTERRUPT, index, vector, INTERRUPT_RAISED, 0, 0);
        return true;
    }

    /** Whether {@code vector} is pending (raised, not yet delivered). */
    public boolean isPending(final int vector)
    {
        return (pendingVectors.get((vector >>> 6) & 3) & (1L << (vector & 63))) != 0;
    }

    @Override
    public void onStart()
    {
        // Power-on: whatever was raised while the vCPU was off is gone, as a reset clears the local APIC.
        while (RingReads.read(ring, discardHandler, Integer.MAX_VALUE) > 0)
        {
            // drain
        }
        interruptsEnabled = true;
        running = loaded;
        started = true;
        traceState();
        running.onStart(context);
    }

    @Override
    public int doWork()
    {
        int work = 0;
        final GuestProgram next = loaded;
        if (next != running)
        {
            running.onStop(context);
            running = next;
            traceState();
            running.onStart(context);
            work++;
        }
        for (int i = 0; i < MAX_INTERRUPTS_PER_DUTY_CYCLE && interruptsEnabled; i++)
        {
            if (RingReads.read(ring, interruptHandler, 1) == 0)
            {
                break;
            }
            work++;
        }
        return work + running.doWork(context);
    }

    @Override
    public long nextDeadlineNs()
    {
        if (loaded != running || (interruptsEnabled && ring.producerPosition() != ring.consumerPosition()))
        {
            return clock.nanoTime();
        }
        return running.nextDeadlineNs();
    }

    /** Its interrupts and doorbells stay within the instance's group; what else it takes is its program's affair. */
    @Override
    public boolean wakesOnInput()
    {
        return loaded == running && running.wakesOnInput();
    }

    @Override
    public void bindAgentWake(final Wake wake)
    {
        this.agentWake = wake;
    }

    /** Halted, and staying so: only an interrupt ({@link #post}) or a program load ({@link #loadProgram}) wakes it. */
    @Override
    public boolean idleUntilWoken()
    {
        return loaded == HALTED && running == HALTED;
    }

    @Override
    public void onClose()
    {
        if (started)
        {
            started = false;
            running.onStop(context); // not traced: the runtime closes after the run, when its trace is complete
        }
    }

    private void traceState()
    {
        tracer.emit(TraceKind.VCPU_STATE, index, running == HALTED ? STATE_HALTED : STATE_RUNNING, 0, 0, 0);
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public String toString()
    {
        return roleName + "{thread=" + hostThreadId + ", program=" + loaded + "}";
    }

    private void onInterruptMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final int vector = buffer.getInt(offset + VECTOR_OFFSET);
        clearPending(vector); // cleared first: the same vector raised during the handler is pending again
        delivered.increment();
        tracer.emit(TraceKind.VCPU_INTERRUPT, index, vector, INTERRUPT_DELIVERED, 0, 0);
        running.onInterrupt(vector, context);
    }

    private void onDiscardedMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        clearPending(buffer.getInt(offset + VECTOR_OFFSET));
    }

    private void clearPending(final int vector)
    {
        final int word = (vector >>> 6) & 3;
        final long bit = 1L << (vector & 63);
        while (true)
        {
            final long old = pendingVectors.get(word);
            if (pendingVectors.compareAndSet(word, old, old & ~bit))
            {
                return;
            }
        }
    }

    /** The program's view of the machine from this vCPU. */
    private static final class Context implements GuestContext
    {
        private final String instanceId;
        private final int index;
        private final int vcpuCount;
        private final NanoClock clock;
        private final GuestMemory memory;
        private final PciBus bus;
        private final Vcpu vcpu;

        Context(
            final String instanceId,
            final int index,
            final int vcpuCount,
            final NanoClock clock,
            final GuestMemory memory,
            final PciBus bus,
            final Vcpu vcpu)
        {
            this.instanceId = instanceId;
            this.index = index;
            this.vcpuCount = vcpuCount;
            this.clock = clock;
            this.memory = memory;
            this.bus = bus;
            this.vcpu = vcpu;
        }

        @Override
        public NanoClock clock()
        {
            return clock;
        }

        @Override
        public String instanceId()
        {
            return instanceId;
        }

        @Override
        public int vcpuIndex()
        {
            return index;
        }

        @Override
        public int apicId()
        {
            return index;
        }

        @Override
        public int vcpuCount()
        {
            return vcpuCount;
        }

        @Override
        public GuestMemory memory()
        {
            return memory;
        }

        @Override
        public List<PciDeviceInfo> enumerateDevices()
        {
            return bus.enumerate();
        }

        @Override
        public int configRead(final PciAddress address, final int offset, final int sizeBytes)
        {
            return bus.configRead(address, offset, sizeBytes);
        }

        @Override
        public void configWrite(
            final PciAddress address, final int offset, final int sizeBytes, final int value)
        {
            bus.configWrite(address, offset, sizeBytes, value);
        }

        @Override
        public long mmioRead(
            final PciAddress address, final int barIndex, final long offset, final int sizeBytes)
        {
            return bus.mmioRead(address, barIndex, offset, sizeBytes);
        }

        @Override
        public void mmioWrite(
            final PciAddress address,
            final int barIndex,
            final long offset,
            final int sizeBytes,
            final long value)
        {
            bus.mmioWrite(address, barIndex, offset, sizeBytes, value);
        }

        @Override
        public void setInterruptsEnabled(final boolean enabled)
        {
            if (vcpu.interruptsEnabled != enabled)
            {
                vcpu.tracer.emit(TraceKind.VCPU_STATE, index, enabled ? STATE_INTERRUPTS_ENABLED
                    : STATE_INTERRUPTS_DISABLED, 0, 0, 0);
            }
            vcpu.interruptsEnabled = enabled;
        }

        @Override
        public boolean interruptsEnabled()
        {
            return vcpu.interruptsEnabled;
        }

        @Override
        public String toString()
        {
            return "GuestContext{" + instanceId + " vcpu " + index + "}";
        }
    }
}

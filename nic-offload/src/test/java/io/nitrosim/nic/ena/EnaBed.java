package io.nitrosim.nic.ena;

import java.util.function.Consumer;

import io.nitrosim.nic.card.EniPort;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.driver.EnaDriverContext;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.nic.shaping.NetworkShapingConfig;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.nic.testbed.TestBed;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.MsiSink;
import io.nitrosim.pci.RecordingMsiSink;
import io.nitrosim.time.SimAgent;

/**
 * VPC test bed plus, per guest: an ENA function on the guest's ENI, fake guest memory behind it (its DMA window),
 * and a guest agent running the reference driver (alone, or under a {@link GuestIperf}) in the same virtual-time
 * runtime. MSI-X messages are recorded and routed to the guest.
 */
final class EnaBed implements AutoCloseable
{
    static final long MS = TestBed.MS;
    static final long SECOND = TestBed.SECOND;
    static final long GUEST_BASE = 0x10_0000L;
    static final int FIRST_VECTOR = 0x40;

    final TestBed bed;

    EnaBed()
    {
        this(NetworkShapingConfig.DEFAULT, 25_000);
    }

    EnaBed(final NetworkShapingConfig shaping, final long latencyNs)
    {
        bed = new TestBed(shaping, latencyNs);
    }

    /** One guest: device + memory + driver (+ iperf). */
    final class Guest implements SimAgent, MsiSink
    {
        final EniPort port;
        final EnaFunction device;
        final FakeGuestMemory memory;
        final FakeGuestMemoryAccess access;
        final GuestMemoryAllocator allocator;
        final FunctionAccess function;
        final RecordingMsiSink msi = new RecordingMsiSink();
        final FrameRecorder received = new FrameRecorder();
        final EnaDriver driver;
        final GuestIperf iperf;

        Guest(final EniPort port, final int memoryBytes, final Consumer<EnaFunctionContext> deviceConfig,
            final Consumer<EnaDriverContext> driverConfig, final boolean withIperf)
        {
            this.port = port;
            final EnaFunctionContext dc = EnaFunction.context().port(port).clock(bed.runtime.clock())
                .registry(bed.registry).maxQueuePairs(2);
            deviceConfig.accept(dc);
            device = dc.build();
            memory = new FakeGuestMemory(GUEST_BASE, memoryBytes);
            access = new FakeGuestMemoryAccess(memory);
            allocator = new GuestMemoryAllocator(GUEST_BASE, memoryBytes);
            device.connect(memory, this);
            bed.runtime.add(device.agent());
            function = FunctionAccess.of(device);
            final EnaDriverContext drc = EnaDriver.context().function(function).memory(access).allocator(allocator)
                .interrupts(RecordingMsiSink.x86Address(0), FIRST_VECTOR).depths(256, 256);
            driverConfig.accept(drc);
            if (withIperf)
            {
                iperf = GuestIperf.create(drc, port.eni().primaryIp());
                driver = iperf.driver();
            }
            else
            {
                iperf = null;
                driver = drc.receiver(received).build();
            }
            bed.runtime.add(this);
        }

        @Override
        public void deliver(final long messageAddress, final int messageData)
        {
            msi.deliver(messageAddress, messageData);
            if (iperf != null)
            {
                iperf.onInterrupt(messageData & 0xFF);
            }
            else
            {
                driver.onInterrupt(messageData & 0xFF);
            }
        }

        @Override
        public int doWork()
        {
            final long now = bed.runtime.clock().nanoTime();
            return iperf != null ? iperf.doWork(now) : driver.doWork(now);
        }

        @Override
        public long nextDeadlineNs()
        {
            return iperf != null ? iperf.nextDeadlineNs() : driver.nextDeadlineNs();
        }

        @Override
        public String roleName()
        {
            return "guest-" + port.eni().id();
        }

        int devSts()
        {
            return (int)function.mmioRead(EnaRegisters.REGISTER_BAR, EnaRegisters.DEV_STS, 4);
        }

        /** Runs until the driver is up and the link reported up (bounded). */
        Guest up()
        {
            final long limit = bed.runtime.clock().nanoTime() + 100 * MS;
            while (!driver.linkUp() && bed.runtime.clock().nanoTime() < limit)
            {
                bed.advanceTo(bed.runtime.clock().nanoTime() + 10_000);
            }
            if (!driver.linkUp())
            {
                throw new AssertionError("driver not up: state " + driver.state() + " failure "
                    + driver.failureReason() + " DEV_STS 0x" + Integer.toHexString(devSts()));
            }
            return this;
        }
    }

    Guest guest(final String instanceId, final NetworkInstanceCaps caps, final int hostId)
    {
        return guest(instanceId, caps, hostId, 16 << 20, d -> { }, d -> { }, false);
    }

    Guest guest(final String instanceId, final NetworkInstanceCaps caps, final int hostId, final int memoryBytes,
        final Consumer<EnaFunctionContext> deviceConfig, final Consumer<EnaDriverContext> driverConfig,
        final boolean withIperf)
    {
        final EniPort port = bed.port(instanceId, caps, hostId);
        return new Guest(port, memoryBytes, deviceConfig, driverConfig, withIperf);
    }

    long now()
    {
        return bed.runtime.clock().nanoTime();
    }

    void runFor(final long ns)
    {
        bed.advanceTo(now() + ns);
    }

    @Override
    public void close()
    {
        bed.close();
    }
}

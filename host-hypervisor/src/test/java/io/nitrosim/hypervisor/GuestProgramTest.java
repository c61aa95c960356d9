package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestProgram;
import io.nitrosim.hypervisor.guest.MsiMessage;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.time.RealTimeRuntime;
import io.nitrosim.time.VirtualTimeRuntime;

class GuestProgramTest
{
    private static final long BUFFER_GPA = 0x10000;
    private static final int VECTOR = 0x50;

    /**
     * A driver for {@link FakePciEndpoint}, touching it only through config space, BAR0 and guest memory: it
     * asks the device to increment 4 bytes in guest memory and learns of completion by interrupt or by polling.
     */
    static final class IncrementDriver implements GuestProgram
    {
        final boolean useInterrupts;
        final long bufferGpa;
        final long pollIntervalNs = 1_000;
        PciAddress device;
        long nextPollNs;
        volatile boolean done;
        volatile long status = -1;
        volatile int vectorSeen = -1;
        volatile int vcpuSeen = -1;
        long completedAtNs = -1;

        IncrementDriver(final boolean useInterrupts, final long bufferGpa)
        {
            this.useInterrupts = useInterrupts;
            this.bufferGpa = bufferGpa;
        }

        @Override
        public void onStart(final GuestContext ctx)
        {
            device = ctx.enumerateDevices().get(0).address();
            if (bufferGpa < ctx.memory().sizeBytes())
            {
                ctx.memory().putBytes(bufferGpa, new byte[] {1, 2, 3, 4}, 0, 4);
            }
            ctx.mmioWrite(device, 0, FakePciEndpoint.REG_DMA_ADDR, 8, bufferGpa);
            ctx.mmioWrite(device, 0, FakePciEndpoint.REG_DMA_LEN, 8, 4);
            if (useInterrupts)
            {
                ctx.mmioWrite(device, 0, FakePciEndpoint.REG_MSI_ADDR, 8, MsiMessage.address(ctx.apicId()));
                ctx.mmioWrite(device, 0, FakePciEndpoint.REG_MSI_DATA, 8, MsiMessage.data(VECTOR));
            }
            ctx.mmioWrite(device, 0, FakePciEndpoint.REG_DOORBELL, 8, 1);
            nextPollNs = ctx.nowNs() + pollIntervalNs;
        }

        @Override
        public int doWork(final GuestContext ctx)
        {
            if (useInterrupts || done || ctx.nowNs() < nextPollNs)
            {
                return 0;
            }
            nextPollNs = ctx.nowNs() + pollIntervalNs;
            final long s = ctx.mmioRead(device, 0, FakePciEndpoint.REG_STATUS, 8);
            if (s != 0)
            {
                complete(s, ctx);
            }
            return 1;
        }

        @Override
        public void onInterrupt(final int vector, final GuestContext ctx)
        {
            vectorSeen = vector;
            vcpuSeen = ctx.vcpuIndex();
            complete(ctx.mmioRead(device, 0, FakePciEndpoint.REG_STATUS, 8), ctx);
        }

        @Override
        public long nextDeadlineNs()
        {
            return useInterrupts || done ? NO_DEADLINE : nextPollNs;
        }

        private void complete(final long s, final GuestContext ctx)
        {
            completedAtNs = ctx.nowNs();
            status = s;
            done = true;
        }
    }

    @Test
    void shouldDeliverTheInterruptOfAFakeEndpointToTheProgramOnTheVcpuItNamed()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final FakePciEndpoint card = FakePciEndpoint.nvme();
            a.attach(card, AttachmentKind.EBS_VOLUME, "vol-1");
            final RecordingProgram idle = new RecordingProgram();
            final IncrementDriver driver = new IncrementDriver(true, BUFFER_GPA);
            a.loadProgram(0, idle);
            a.loadProgram(1, driver);
            a.completeTransition();
            runtime.runUntil(1_000_000);

            assertTrue(driver.done);
            assertEquals(VECTOR, driver.vectorSeen);
            assertEquals(1, driver.vcpuSeen);
            assertEquals(FakePciEndpoint.STATUS_DONE, driver.status);
            assertEquals(List.of(), idle.vectors);
            final byte[] bytes = new byte[4];
            a.memory().getBytes(BUFFER_GPA, bytes, 0, 4);
            assertArrayEquals(new byte[] {2, 3, 4, 5}, bytes);
            assertEquals(4, a.iommu().bytesReadCount());
            assertEquals(4, a.iommu().bytesWrittenCount());
            assertEquals(1, TestHosts.counter(host.counters(), "vcpu.interrupts", "instance", a.id(), "vcpu", "1"));
        }
    }

    @Test
    void shouldWorkInPollingModeWithoutInterrupts()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            final IncrementDriver driver = new IncrementDriver(false, BUFFER_GPA);
            a.loadProgram(0, driver);
            a.completeTransition();
            final long endNs = runtime.runUntil(1_000_000);

            assertTrue(driver.done);
            assertEquals(FakePciEndpoint.STATUS_DONE, driver.status);
            assertEquals(1_000, driver.completedAtNs, "found at the first poll, one interval after start");
            assertEquals(-1, driver.vectorSeen);
            assertEquals(1_000, endNs, "quiescent once the poller stops asking for time");
            assertEquals(0x05040302, a.memory().getInt(BUFFER_GPA));
            assertEquals(0, TestHosts.counter(host.counters(), "msi.routed", "instance", a.id()));
        }
    }

    @Test
    void shouldReportARefusedDmaToTheGuestAsADeviceStatus()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            final IncrementDriver driver = new IncrementDriver(true, 4L << 30); // one past the end of 4 GiB
            a.loadProgram(0, driver);
            a.completeTransition();
            runtime.runUntil(1_000_000);

            assertEquals(FakePciEndpoint.STATUS_DMA_REFUSED, driver.status);
            assertEquals(1, TestHosts.counter(host.counters(), "iommu.refused", "instance", a.id()));
        }
    }

    @Test
    void shouldWakeAProgramAtTheDeadlinesItReports()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final List<Long> ticks = new ArrayList<>();
            a.loadProgram(1, new GuestProgram()
            {
                long nextTickNs;

                @Override
                public void onStart(final GuestContext ctx)
                {
                    nextTickNs = ctx.nowNs() + 1_000_000;
                }

                @Override
                public int doWork(final GuestContext ctx)
                {
                    if (ticks.size() == 3 || ctx.nowNs() < nextTickNs)
                    {
                        return 0;
                    }
                    ticks.add(ctx.nowNs());
                    nextTickNs += 1_000_000;
                    return 1;
                }

                @Override
                public long nextDeadlineNs()
                {
                    return ticks.size() == 3 ? NO_DEADLINE : nextTickNs;
                }
            });
            runtime.runUntil(10_000_000);
            assertEquals(List.of(1_000_000L, 2_000_000L, 3_000_000L), ticks);
        }
    }

    @Test
    void shouldCarryInterruptsAcrossThreadsInRealTime()
    {
        try (RealTimeRuntime runtime = new RealTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            final IncrementDriver driver = new IncrementDriver(true, BUFFER_GPA);
            a.loadProgram(0, driver);
            a.completeTransition();
            for (int i = 0; i < 500 && !driver.done; i++) // bounded: at most ~5 s of wall-clock time
            {
                runtime.runUntil(runtime.clock().nanoTime() + 10_000_000L);
            }
            assertTrue(driver.done, "no completion interrupt within the bound");
            assertEquals(VECTOR, driver.vectorSeen);
            assertEquals(FakePciEndpoint.STATUS_DONE, driver.status);
            assertEquals(0x05040302, a.memory().getInt(BUFFER_GPA));
        }
    }
}

package io.nitrosim.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

class FunctionAgentTest
{
    /** A device with a timer: raises vector 0 once the clock reaches the time the host wrote to BAR0 0x10. */
    private static final class TimerFunction extends PciFunction
    {
        private final NanoClock clock;
        private long fireAtNs = SimAgent.NO_DEADLINE;
        private int fired;

        TimerFunction(final NanoClock clock)
        {
            super(PciFunction.builder().name("timer").vendorId(0x1d0f).deviceId(0x7777)
                .memoryBar(0, 4096).msix(1, 0, 0x800, 0, 0xC00).notifyOnWrite(0, 0x10, 4));
            this.clock = clock;
        }

        @Override
        protected void onDoorbell(final int barIndex, final int offset, final int value)
        {
            fireAtNs = value;
        }

        @Override
        protected void onReset()
        {
            fireAtNs = SimAgent.NO_DEADLINE;
        }

        @Override
        protected int doDeviceWork()
        {
            if (clock.nanoTime() >= fireAtNs)
            {
                fireAtNs = SimAgent.NO_DEADLINE;
                fired++;
                registers(0).putInt(0x14, fired);
                signalMsix(0);
                return 1;
            }
            return 0;
        }

        @Override
        protected long deviceNextDeadlineNs()
        {
            return fireAtNs;
        }
    }

    @Test
    void shouldDelegateDeadlinesToTheDeviceInVirtualTime()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final TimerFunction fn = new TimerFunction(runtime.clock());
            final RecordingMsiSink sink = new RecordingMsiSink();
            fn.connect(new FakeGuestMemory(0, 64), sink);
            PciTestFirmware.enumerate(fn, 0xC000_0000L);
            PciTestFirmware.enableMsix(fn, 2, 0x50);
            runtime.add(fn.agent());

            fn.mmioWrite(0, 0x10, 4, 1_500);
            assertEquals(1_500, runtime.runUntil(10_000)); // quiescent after the timer fired
            assertEquals(1, sink.count());
            assertEquals(0x50, sink.data(0));
            assertEquals(1, fn.mmioRead(0, 0x14, 4));
            assertEquals(SimAgent.NO_DEADLINE, fn.agent().nextDeadlineNs());
            assertEquals("timer", fn.agent().roleName());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldDeliverEveryRegistersNewestValueInOrderWithConcurrentHostAndOverflows() throws Exception
    {
        final RecordingFunction fn = new RecordingFunction(RecordingFunction.standardBuilder()
            .doorbellRingCapacity(16));
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
        final int registers = 3;
        final int writesPerRegister = 50_000;
        final AtomicBoolean hostDone = new AtomicBoolean();
        final Thread agentThread = new Thread(() ->
        {
            try
            {
                while (!hostDone.get())
                {
                    fn.agent().doWork();
                }
                fn.agent().doWork(); // everything the host wrote is latched or queued by now
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }, "agent");
        agentThread.start();
        for (int value = 1; value <= writesPerRegister; value++)
        {
            for (int r = 0; r < registers; r++)
            {
                fn.mmioWrite(0, RecordingFunction.DOORBELL_OFFSET + 4L * r, 4, value);
            }
        }
        hostDone.set(true);
        agentThread.join();

        final int[] last = new int[registers];
        for (int i = 0; i < fn.doorbellValues.size(); i++)
        {
            final int r = (fn.doorbellOffsets.getInt(i) - RecordingFunction.DOORBELL_OFFSET) / 4;
            final int value = fn.doorbellValues.getInt(i);
            assertTrue(value > last[r], "register " + r + " went from " + last[r] + " to " + value);
            last[r] = value;
        }
        for (int r = 0; r < registers; r++)
        {
            assertEquals(writesPerRegister, last[r], "newest value of register " + r);
        }
        assertEquals((long)registers * writesPerRegister, fn.doorbellCount() + fn.doorbellOverflowCount());
    }

    /** A device that says it waits for input (as the NVMe controller does): only the base's inputs are tested here. */
    private static final class WaitingFunction extends PciFunction
    {
        int doorbells;

        WaitingFunction()
        {
            super(PciFunction.builder().name("waiting").vendorId(0x1d0f).deviceId(0x7778)
                .memoryBar(0, 4096).msix(1, 0, 0x800, 0, 0xC00).notifyOnWrite(0, 0x10, 4));
        }

        @Override
        protected void onDoorbell(final int barIndex, final int offset, final int value)
        {
            doorbells++;
        }

        @Override
        protected void onReset()
        {
        }

        @Override
        protected int doDeviceWork()
        {
            return 0;
        }

        @Override
        protected long deviceNextDeadlineNs()
        {
            return SimAgent.NO_DEADLINE;
        }

        @Override
        protected boolean deviceWakesOnInput()
        {
            return true;
        }

        @Override
        protected boolean deviceIdleUntilWoken()
        {
            return true;
        }
    }

    @Test
    void shouldWakeItsAgentOnEveryInputOfTheBaseAndWaitOnlyWhileNothingIsPending() throws Exception
    {
        final WaitingFunction fn = new WaitingFunction();
        fn.connect(new FakeGuestMemory(0, 64), new RecordingMsiSink());
        PciTestFirmware.enumerate(fn, 0xC000_0000L);
        final int[] wakes = new int[1];
        fn.agent().bindAgentWake(() -> wakes[0]++);
        fn.agent().doWork();
        assertTrue(fn.agent().idleUntilWoken());

        fn.mmioWrite(0, 0x10, 4, 7); // a doorbell: woken, and not idle until the agent took it
        assertEquals(1, wakes[0]);
        assertEquals(false, fn.agent().idleUntilWoken());
        fn.agent().doWork();
        assertEquals(1, fn.doorbells);
        assertTrue(fn.agent().idleUntilWoken());

        PciTestFirmware.enableMsix(fn, 2, 0x50); // an MSI-X enable and a vector control write: woken, then pending
        assertTrue(wakes[0] >= 2, "woken by MSI-X changes, " + wakes[0] + " wakes");
        assertEquals(false, fn.agent().idleUntilWoken());
        fn.agent().doWork();
        assertTrue(fn.agent().idleUntilWoken());

        final int beforeReset = wakes[0];
        fn.functionLevelReset(); // a reset: woken, and not idle until the agent saw it
        assertEquals(beforeReset + 1, wakes[0]);
        assertEquals(false, fn.agent().idleUntilWoken());
        fn.agent().doWork();
        assertTrue(fn.agent().idleUntilWoken());
    }
}

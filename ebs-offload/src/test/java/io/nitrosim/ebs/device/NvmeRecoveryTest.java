package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.driver.NvmeRecoveryCounters;
import io.nitrosim.ebs.nvme.NvmeOpcodes;
import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.SubmissionQueueEntry;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.pci.DmaWindow;

/**
 * The driver's error handling against the controller, in virtual time: a timed-out command is aborted and retried;
 * CSTS.CFS, a function level reset and an admin timeout reset the controller and the outstanding commands go again;
 * a Data Transfer Error is retried 5 times, then reported. Every command gets exactly one completion.
 */
class NvmeRecoveryTest
{
    private static final long MS = 1_000_000L;
    private static final long TIMEOUT_NS = 100 * MS;
    private static final int BLOCK = 512;

    @TempDir
    Path dir;

    /** A DMA window over the rig's memory that refuses every access touching one range, while it is set. */
    private static final class FaultyWindow implements DmaWindow
    {
        private final DmaWindow memory;
        long refuseFrom = -1;
        long refuseTo = -1;
        int refused;

        FaultyWindow(final DmaWindow memory)
        {
            this.memory = memory;
        }

        private boolean refuses(final long address, final int length)
        {
            final boolean hit = address < refuseTo && address + length > refuseFrom;
            refused += hit ? 1 : 0;
            return hit;
        }

        @Override
        public boolean read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
        {
            return !refuses(address, length) && memory.read(address, dst, dstOffset, length);
        }

        @Override
        public boolean write(final long address, final DirectBuffer src, final int srcOffset, final int length)
        {
            return !refuses(address, length) && memory.write(address, src, srcOffset, length);
        }
    }

    /** A rig with one volume, its controller behind a {@link FaultyWindow}, and a ready driver. */
    private final class Setup implements AutoCloseable
    {
        final EbsRig rig = new EbsRig(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, 1800), 16 << 20, dir, null);
        final EbsRig.Router router = new EbsRig.Router();
        final FaultyWindow window = new FaultyWindow(rig.memory);
        final NvmeController controller;
        final NvmeDriver driver;
        final NvmeRecoveryCounters counters;
        final List<long[]> completions = new ArrayList<>(); // {tag, status, time}

        Setup()
        {
            controller = rig.card.attach(EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"));
            controller.connect(window, router);
            rig.runtime.add(controller.agent());
            driver = rig.driver(controller, NvmeDriver.config().ioTimeoutNs(TIMEOUT_NS));
            router.driver = driver;
            rig.guestAgent.drivers.add(driver);
            counters = driver.recoveryCounters();
            driver.completionHandler((q, cid, status, dw0, head, tag) ->
                completions.add(new long[] {tag, status, rig.runtime.clock().nanoTime()}));
            rig.runtime.runUntil(10 * MS);
            assertTrue(driver.isReady(), () -> driver.state() + " " + driver.failureReason());
        }

        long now()
        {
            return rig.runtime.clock().nanoTime();
        }

        void runFor(final long ns)
        {
            rig.runtime.runUntil(now() + ns);
        }

        /** Fills a 4 KiB buffer with random bytes. @return its guest address. */
        long buffer(final byte[] data)
        {
            final long gpa = rig.allocator.allocate(data.length, 4096);
            rig.memory.putBytes(gpa, data);
            return gpa;
        }

        void assertCounters(final long timeouts, final long aborts, final long resets, final long retries,
            final long resubmitted, final long failed)
        {
            assertEquals(List.of(timeouts, aborts, resets, retries, resubmitted, failed),
                List.of(counters.timeouts(), counters.abortsSent(), counters.controllerResets(), counters.retries(),
                    counters.resubmitted(), counters.commandsFailed()),
                "timeouts, aborts, resets, retries, resubmitted, failed");
        }

        @Override
        public void close()
        {
            rig.close();
        }
    }

    private static byte[] random(final int length, final long seed)
    {
        final byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    @Test
    void shouldAbortACommandThatTimesOutAndRetryIt()
    {
        try (Setup s = new Setup())
        {
            final byte[] data = random(4096, 1);
            final long stallEndNs = s.now() + 150 * MS;
            s.rig.card.stallStorage(s.controller, stallEndNs);
            assertTrue(s.driver.submitWrite(1, 16, 8, s.buffer(data), 7) >= 0);
            s.runFor(99 * MS);
            assertEquals(0, s.completions.size(), "held by the stalled storage, not yet timed out");
            s.assertCounters(0, 0, 0, 0, 0, 0);
            s.runFor(2 * MS);
            // timed out at 100 ms: Abort sent; the controller found it in the data path and aborted it (status
            // Command Abort Requested, no DNR): the driver submitted it again, the caller saw nothing yet
            s.assertCounters(1, 1, 0, 1, 0, 0);
            assertEquals(0, s.completions.size());
            assertEquals(1, s.controller.ioErrors(), "the aborted command's completion");
            s.rig.card.stallStorage(s.controller, 0);
            s.runFor(100 * MS);
            assertEquals(1, s.completions.size(), "one completion for the command");
            assertEquals(7, s.completions.get(0)[0]);
            assertEquals(NvmeStatus.SUCCESS, s.completions.get(0)[1]);
            s.assertCounters(1, 1, 0, 1, 0, 0);
            final long dst = s.rig.allocator.allocate(4096, 4096);
            assertTrue(s.driver.submitRead(1, 16, 8, dst, 8) >= 0);
            s.runFor(10 * MS);
            assertEquals(NvmeStatus.SUCCESS, s.completions.get(1)[1]);
            assertArrayEquals(data, s.rig.memory.getBytes(dst, 4096), "the retried write landed");
        }
    }

    @Test
    void shouldResetTheControllerOnFatalStatusAndSubmitTheOutstandingCommandsAgain()
    {
        try (Setup s = new Setup())
        {
            final byte[] data = random(4096, 2);
            final long src = s.buffer(data);
            // the I/O CQ's page refuses DMA: the controller cannot post the completion and sets CSTS.CFS
            final long cq = cqAddress(s);
            s.window.refuseFrom = cq;
            s.window.refuseTo = cq + 4096;
            assertTrue(s.driver.submitWrite(1, 24, 8, src, 1) >= 0);
            s.runFor(5 * MS);
            assertTrue(s.controller.isFatal(), "CSTS.CFS");
            s.window.refuseFrom = -1;
            s.window.refuseTo = -1;
            s.runFor(90 * MS);
            s.assertCounters(0, 0, 0, 0, 0, 0);
            s.runFor(20 * MS);
            // at 100 ms the command timed out; CSTS.CFS: reset (no Abort), re-initialised, the write sent again
            assertTrue(s.driver.isReady());
            assertFalse(s.controller.isFatal());
            s.assertCounters(1, 0, 1, 0, 1, 0);
            assertEquals(1, s.completions.size());
            assertEquals(NvmeStatus.SUCCESS, s.completions.get(0)[1]);
            final long dst = s.rig.allocator.allocate(4096, 4096);
            assertTrue(s.driver.submitRead(1, 24, 8, dst, 2) >= 0);
            s.runFor(10 * MS);
            assertEquals(NvmeStatus.SUCCESS, s.completions.get(1)[1]);
            assertArrayEquals(data, s.rig.memory.getBytes(dst, 4096));
        }
    }

    /** The I/O CQ 1's address: the controller posts completions there (found from a completion's DMA). */
    private static long cqAddress(final Setup s)
    {
        final long[] written = {-1};
        final DmaWindow recording = new DmaWindow()
        {
            @Override
            public boolean read(final long address, final MutableDirectBuffer dst, final int dstOffset, final int length)
            {
                return s.rig.memory.read(address, dst, dstOffset, length);
            }

            @Override
            public boolean write(final long address, final DirectBuffer src, final int srcOffset, final int length)
            {
                if (length == 16)
                {
                    written[0] = address & ~4095L;
                }
                return s.rig.memory.write(address, src, srcOffset, length);
            }
        };
        s.controller.connect(recording, s.router);
        s.driver.submitFlush(1, 99);
        s.runFor(5 * MS);
        s.controller.connect(s.window, s.router);
        s.completions.clear();
        return written[0];
    }

    @Test
    void shouldRecoverFromAFunctionLevelResetWithCommandsInFlight()
    {
        try (Setup s = new Setup())
        {
            final byte[][] data = new byte[4][];
            s.rig.card.stallStorage(s.controller, s.now() + 20 * MS);
            for (int i = 0; i < 4; i++)
            {
                data[i] = random(4096, 10 + i);
                assertTrue(s.driver.submitWrite(1, 64 + i * 8, 8, s.buffer(data[i]), i) >= 0);
            }
            s.runFor(MS);
            assertEquals(4, s.controller.queueDepth());
            s.controller.functionLevelReset();
            s.runFor(98 * MS);
            assertEquals(0, s.completions.size(), "the reset lost them; the driver has not noticed yet");
            s.runFor(10 * MS);
            // the first timeout read CSTS as all ones (memory space off after the FLR): reset, all 4 again
            s.assertCounters(1, 0, 1, 0, 4, 0);
            assertTrue(s.driver.isReady());
            assertEquals(4, s.completions.size());
            for (int i = 0; i < 4; i++)
            {
                assertEquals(NvmeStatus.SUCCESS, s.completions.get(i)[1]);
            }
            for (int i = 0; i < 4; i++)
            {
                final long dst = s.rig.allocator.allocate(4096, 4096);
                assertTrue(s.driver.submitRead(1, 64 + i * 8, 8, dst, 10 + i) >= 0);
                s.runFor(5 * MS);
                assertArrayEquals(data[i], s.rig.memory.getBytes(dst, 4096), "write " + i + " reads back");
            }
        }
    }

    @Test
    void shouldResetWhenAnAdminCommandTimesOutAndCompleteItAsHostAborted()
    {
        try (Setup s = new Setup())
        {
            final UnsafeBuffer command = new UnsafeBuffer(ByteBuffer.allocateDirect(SubmissionQueueEntry.LENGTH));
            new SubmissionQueueEntry().wrap(command, 0).clear().opcode(NvmeOpcodes.ADMIN_ASYNC_EVENT_REQUEST);
            assertTrue(s.driver.submitRaw(0, command, 0, 5) >= 0); // held by the controller: no events happen
            s.runFor(59_999 * MS);
            assertEquals(0, s.completions.size());
            s.runFor(2 * MS);
            // admin timeout (60 s): the controller is reset; the Asynchronous Event Request is given up
            s.assertCounters(1, 0, 1, 0, 0, 0);
            assertEquals(1, s.completions.size());
            assertEquals(NvmeStatus.HOST_ABORTED_COMMAND | NvmeStatus.DO_NOT_RETRY, s.completions.get(0)[1]);
            assertTrue(s.driver.isReady());
        }
    }

    @Test
    void shouldRetryADataTransferErrorAfterTheControllersRetryDelayUntilThePageComesBack()
    {
        try (Setup s = new Setup())
        {
            final byte[] data = random(4096, 3);
            final long src = s.buffer(data);
            s.window.refuseFrom = src;
            s.window.refuseTo = src + 4096;
            final long startNs = s.now();
            assertTrue(s.driver.submitWrite(1, 32, 8, src, 4) >= 0);
            // refused at fetch: Data Transfer Error with CRD 1 (the driver enabled ACRE, CRDT1 is 100 ms)
            s.runFor(250 * MS);
            assertEquals(3, s.window.refused, "tried at 0, 100 and 200 ms");
            assertEquals(0, s.completions.size());
            s.window.refuseFrom = -1;
            s.window.refuseTo = -1;
            s.runFor(100 * MS);
            assertEquals(1, s.completions.size(), "one completion: the third retry went through");
            assertEquals(NvmeStatus.SUCCESS, s.completions.get(0)[1]);
            assertEquals(300 * MS, s.completions.get(0)[2] - startNs, 1 * MS);
            s.assertCounters(0, 0, 0, 3, 0, 0);
            final long dst = s.rig.allocator.allocate(4096, 4096);
            assertTrue(s.driver.submitRead(1, 32, 8, dst, 5) >= 0);
            s.runFor(10 * MS);
            assertArrayEquals(data, s.rig.memory.getBytes(dst, 4096));
        }
    }

    @Test
    void shouldReportADataTransferErrorAfterFiveRetries()
    {
        try (Setup s = new Setup())
        {
            final long src = s.buffer(random(4096, 4));
            s.window.refuseFrom = src;
            s.window.refuseTo = src + 4096;
            assertTrue(s.driver.submitWrite(1, 40, 8, src, 6) >= 0);
            s.runFor(499 * MS);
            assertEquals(0, s.completions.size());
            s.runFor(2 * MS);
            assertEquals(1, s.completions.size(), "one completion, after the 5 retries");
            assertEquals(NvmeStatus.withRetryDelay(NvmeStatus.DATA_TRANSFER_ERROR, 1), s.completions.get(0)[1]);
            assertEquals(6, s.window.refused, "the first try and 5 retries each had their data DMA refused");
            assertEquals(6, s.controller.ioErrors());
            s.assertCounters(0, 0, 0, 5, 0, 1);
        }
    }
}

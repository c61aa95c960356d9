package io.nitrosim.nic.ena;

import static io.nitrosim.nic.ena.EnaAdminTest.admin;
import static io.nitrosim.nic.ena.EnaDataPathTest.sendAll;
import static io.nitrosim.nic.ena.EnaDataPathTest.udpFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.shaping.NetworkInstanceCaps;
import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.nic.shaping.EniMeter;

/**
 * Bad descriptors and DMA faults: per-frame TX problems complete with an error status, ring corruption is a
 * fatal error with an ENA reset reason (DEV_STS.fatal_error, AENQ FATAL_ERROR), and the device does nothing
 * until the driver resets it. The reference driver brings the device up; the test then drives an extra raw
 * queue (its own descriptors in guest memory) to break the rules.
 */
class EnaErrorTest
{
    /** A TX or RX SQ + CQ the test drives by hand. */
    static final class RawQueue
    {
        final EnaBed.Guest g;
        final boolean tx;
        final int depth;
        final long sqBase;
        final long cqBase;
        final long bufBase;
        final int bufBytes = 2048;
        int sqIdx;
        int doorbell;
        int tail;

        RawQueue(final EnaBed bed, final EnaBed.Guest g, final boolean tx, final int depth)
        {
            this.g = g;
            this.tx = tx;
            this.depth = depth;
            final int cqEntry = tx ? TxCompletion.LENGTH : RxCompletion.LENGTH;
            sqBase = g.allocator.allocate((long)depth * TxDescriptor.LENGTH, 4096);
            cqBase = g.allocator.allocate((long)depth * cqEntry, 4096);
            bufBase = g.allocator.allocate((long)depth * bufBytes, 4096);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_CQ)
                .createCq(false, cqEntry / 4, depth, 0, cqBase)));
            final int cqIdx = g.driver.adminResult().u16(AdminCompletion.CREATE_CQ_IDX_OFFSET);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, g, c -> c.opcode(EnaAdmin.CREATE_SQ)
                .createSq(tx ? EnaAdmin.SQ_DIRECTION_TX : EnaAdmin.SQ_DIRECTION_RX, EnaAdmin.PLACEMENT_POLICY_HOST,
                    EnaAdmin.COMPLETION_POLICY_DESC_ON_DEMAND, cqIdx, depth, sqBase)));
            sqIdx = g.driver.adminResult().u16(AdminCompletion.CREATE_SQ_IDX_OFFSET);
            doorbell = g.driver.adminResult().u32(AdminCompletion.CREATE_SQ_DOORBELL_OFFSET_OFFSET);
        }

        long buffer(final int slot)
        {
            return bufBase + (long)slot * bufBytes;
        }

        /** Writes a TX descriptor at the tail with the right phase. */
        RawQueue txDesc(final int length, final int reqId, final boolean first, final boolean last, final long address)
        {
            final org.agrona.concurrent.UnsafeBuffer d = new org.agrona.concurrent.UnsafeBuffer(new byte[16]);
            new TxDescriptor().wrap(d, 0).set(length, reqId, (tail & depth) == 0, first, last, first, 0, address);
            g.memory.putBytes(sqBase + (long)(tail & (depth - 1)) * 16, d.byteArray());
            tail = (tail + 1) & 0xFFFF;
            return this;
        }

        /** Writes an RX descriptor at the tail with the right phase. */
        RawQueue rxDesc(final int length, final int reqId, final long address)
        {
            final org.agrona.concurrent.UnsafeBuffer d = new org.agrona.concurrent.UnsafeBuffer(new byte[16]);
            new RxDescriptor().wrap(d, 0).set(length, reqId, (tail & depth) == 0, address);
            g.memory.putBytes(sqBase + (long)(tail & (depth - 1)) * 16, d.byteArray());
            tail = (tail + 1) & 0xFFFF;
            return this;
        }

        void ring()
        {
            g.function.mmioWrite(EnaRegisters.REGISTER_BAR, doorbell, 4, tail);
        }

        /** TX completion {@code i}, read from guest memory through its flyweight. */
        TxCompletion txCompletion(final int i)
        {
            final byte[] entry = g.memory.getBytes(cqBase + (long)(i & (depth - 1)) * TxCompletion.LENGTH,
                TxCompletion.LENGTH);
            return new TxCompletion().wrap(new org.agrona.concurrent.UnsafeBuffer(entry), 0);
        }
    }

    /** A guest whose driver stays failed until reset by hand (these tests look at the failed state). */
    private static EnaBed.Guest up(final EnaBed bed, final String id, final int host)
    {
        return bed.guest(id, NetworkInstanceCaps.C5_LARGE, host, 16 << 20, d -> { }, d -> d.autoRecovery(false), false)
            .up();
    }

    /** A guest whose driver recovers by itself (the default). */
    private static EnaBed.Guest recovering(final EnaBed bed, final String id, final int host)
    {
        return bed.guest(id, NetworkInstanceCaps.C5_LARGE, host).up();
    }

    /** Copies a valid frame into the raw queue's buffer {@code slot}. @return its length. */
    private static int frameIn(final RawQueue q, final int slot, final byte[] frame)
    {
        q.g.memory.putBytes(q.buffer(slot), frame);
        return frame.length;
    }

    @Test
    void shouldCompleteFramesWithBadLengthsOrRefusedBuffersWithAnErrorStatus()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final EnaBed.Guest b = up(bed, "i-b", 2);
            final RawQueue q = new RawQueue(bed, a, true, 64);
            final int good = frameIn(q, 4, udpFrame(a, b, 40000, 500, 1));
            q.txDesc(0, 1, true, true, q.buffer(1));                     // length 0
            q.txDesc(1515, 2, true, true, q.buffer(2));                  // 1515 > MTU 1500 + 14
            q.txDesc(good, 3, true, true, 0x7000_0000L);                 // outside guest memory: IOMMU refuses
            q.txDesc(good, 4, true, true, q.buffer(4));                  // fine
            q.ring();
            bed.runFor(100_000);
            assertEquals(1, q.txCompletion(0).reqId());
            assertEquals(TxCompletion.STATUS_MALFORMED, q.txCompletion(0).status());
            assertEquals(2, q.txCompletion(1).reqId());
            assertEquals(TxCompletion.STATUS_MALFORMED, q.txCompletion(1).status());
            assertEquals(3, q.txCompletion(2).reqId());
            assertEquals(TxCompletion.STATUS_DMA_ERROR, q.txCompletion(2).status());
            assertEquals(4, q.txCompletion(3).reqId());
            assertEquals(TxCompletion.STATUS_OK, q.txCompletion(3).status());
            for (int i = 0; i < 4; i++)
            {
                assertTrue(q.txCompletion(i).phase());
                assertEquals(i + 1, q.txCompletion(i).sqHead(), "sq_head_idx after completion " + i);
            }
            assertEquals(3, a.device.txErrors());
            assertEquals(1, a.device.txFrames());
            assertEquals(1, b.received.frames.size());
            assertTrue((a.device.configRead(ConfigSpace.STATUS_OFFSET, 2) & ConfigSpace.STATUS_RECEIVED_MASTER_ABORT) != 0);
            assertEquals(1, a.device.dma().refusedByWindowCount());
            assertFalse(a.device.isFatal());
            assertEquals(0, a.devSts() & EnaRegisters.DEV_STS_FATAL_ERROR);
            assertTrue(a.driver.isUp());
        }
    }

    @Test
    void shouldFailFatallyOnATxReqIdOutOfRangeAndRecoverAfterReset()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final EnaBed.Guest b = up(bed, "i-b", 2);
            final RawQueue q = new RawQueue(bed, a, true, 64);
            final int good = frameIn(q, 0, udpFrame(a, b, 40000, 500, 1));
            q.txDesc(good, 64, true, true, q.buffer(0));                 // req_id 64 of a 64-deep ring
            q.txDesc(good, 1, true, true, q.buffer(0));                  // valid, never processed
            q.ring();
            bed.runFor(100_000);
            assertTrue(a.device.isFatal());
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.device.fatalResetReason());
            assertEquals(EnaRegisters.DEV_STS_FATAL_ERROR, a.devSts() & EnaRegisters.DEV_STS_FATAL_ERROR);
            assertEquals(0, a.device.txFrames());
            assertFalse(q.txCompletion(0).phase(), "no completion written");
            assertEquals(EnaDriver.STATE_FAILED, a.driver.state());
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.driver.failureReason());
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.driver.fatalSyndrome());

            // the device ignores its queues until reset; the driver resets with the reason and comes back up
            final byte[] frame = udpFrame(a, b, 40000, 300, 9);
            assertFalse(a.driver.transmit(0, new org.agrona.concurrent.UnsafeBuffer(frame), 0, frame.length,
                frame.length));
            a.driver.reset(EnaResetReason.INV_TX_REQ_ID);
            a.up();
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.device.lastDriverResetReason());
            assertFalse(a.device.isFatal());
            assertEquals(0, a.devSts() & EnaRegisters.DEV_STS_FATAL_ERROR);
            sendAll(bed, a, 0, frame);
            bed.runFor(EnaBed.MS);
            assertEquals(1, b.received.frames.size());
        }
    }

    @Test
    void shouldFailFatallyOnAChainWithoutLastWithinTheQueue()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final RawQueue q = new RawQueue(bed, a, true, 16);
            q.txDesc(100, 0, true, false, q.buffer(0));
            for (int i = 1; i < 15; i++)
            {
                q.txDesc(100, 0, false, false, q.buffer(i));
            }
            q.ring();
            bed.runFor(100_000);
            assertFalse(a.device.isFatal(), "15 descriptors without last: the device waits for the rest");
            q.txDesc(100, 0, false, false, q.buffer(15));
            q.ring();
            bed.runFor(100_000);
            assertTrue(a.device.isFatal(), "the whole ring and no last descriptor");
            assertEquals(EnaResetReason.DRIVER_INVALID_STATE, a.device.fatalResetReason());
            assertEquals(EnaResetReason.DRIVER_INVALID_STATE, a.driver.failureReason());
        }
    }

    @Test
    void shouldFailFatallyOnAnRxReqIdOutOfRange()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final EnaBed.Guest b = up(bed, "i-b", 2);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, b, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(0, EnaAdmin.SQ_DIRECTION_RX))); // only the raw RX queue is left
            final RawQueue q = new RawQueue(bed, b, false, 64);
            q.rxDesc(2048, 64, q.buffer(0)).ring();
            sendAll(bed, a, 0, udpFrame(a, b, 40000, 500, 1));
            bed.runFor(EnaBed.MS);
            assertTrue(b.device.isFatal());
            assertEquals(EnaResetReason.INV_RX_REQ_ID, b.device.fatalResetReason());
            assertEquals(EnaResetReason.INV_RX_REQ_ID, b.driver.failureReason());
            assertEquals(0, b.device.rxFrames());
        }
    }

    @Test
    void shouldFailFatallyWhenTheIommuRefusesAnRxBuffer()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final EnaBed.Guest b = up(bed, "i-b", 2);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, b, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(0, EnaAdmin.SQ_DIRECTION_RX)));
            final RawQueue q = new RawQueue(bed, b, false, 64);
            q.rxDesc(2048, 0, 0x7000_0000L).ring();
            sendAll(bed, a, 0, udpFrame(a, b, 40000, 500, 1));
            bed.runFor(EnaBed.MS);
            assertTrue(b.device.isFatal());
            assertEquals(EnaResetReason.RX_DESCRIPTOR_MALFORMED, b.device.fatalResetReason());
            assertEquals(EnaResetReason.RX_DESCRIPTOR_MALFORMED, b.driver.failureReason());
            assertEquals(1, b.device.dma().refusedByWindowCount());
        }
    }

    @Test
    void shouldDropAndCountAFrameWhenNoRxBufferIsPosted()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final EnaBed.Guest b = up(bed, "i-b", 2);
            assertEquals(EnaAdmin.SUCCESS, admin(bed, b, c -> c.opcode(EnaAdmin.DESTROY_SQ)
                .destroySq(0, EnaAdmin.SQ_DIRECTION_RX)));
            new RawQueue(bed, b, false, 64); // created, nothing posted
            sendAll(bed, a, 0, udpFrame(a, b, 40000, 500, 1), udpFrame(a, b, 40000, 500, 2));
            bed.runFor(EnaBed.MS);
            assertEquals(2, b.port.counters().get(EniMeter.RX_NO_BUFFER_DROPPED));
            assertEquals(0, b.device.rxFrames());
            assertFalse(b.device.isFatal());
            assertTrue(b.driver.requestBasicStats());
            bed.runFor(10_000);
            assertEquals(2, b.driver.adminResult().u64(AdminCompletion.BASIC_RX_DROPS_OFFSET));
        }
    }

    @Test
    void shouldFailFatallyWhenTheAdminDoorbellClaimsMoreCommandsThanTheRingHolds()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            final long commandsBefore = a.device.adminCommands();
            // The bring-up left the head a few dozen commands in: 0xC000 is over 32,000 entries ahead of it.
            a.device.mmioWrite(EnaRegisters.REGISTER_BAR, EnaRegisters.AQ_DB, 4, 0xC000);
            bed.runFor(100_000);
            assertTrue(a.device.isFatal());
            assertEquals(EnaResetReason.DRIVER_INVALID_STATE, a.device.fatalResetReason());
            assertEquals(EnaRegisters.DEV_STS_FATAL_ERROR, a.devSts() & EnaRegisters.DEV_STS_FATAL_ERROR);
            assertEquals(commandsBefore, a.device.adminCommands(), "no stale entry executed");
        }
    }

    @Test
    void shouldFailFatallyWhenTheIommuRefusesTheAdminQueue()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = up(bed, "i-a", 1);
            a.memory.refuseAll(true);
            assertTrue(a.driver.requestEniStats());
            bed.runFor(10_000);
            assertTrue(a.device.isFatal());
            assertEquals(EnaResetReason.ADMIN_TO, a.device.fatalResetReason());
            assertEquals(EnaRegisters.DEV_STS_FATAL_ERROR, a.devSts() & EnaRegisters.DEV_STS_FATAL_ERROR);
            // no AENQ event can get through; the driver's health check reads DEV_STS within a second
            bed.runFor(EnaBed.SECOND);
            assertEquals(EnaDriver.STATE_FAILED, a.driver.state());
            assertEquals(EnaResetReason.GENERIC, a.driver.failureReason());
            a.memory.refuseAll(false);
            a.driver.reset(EnaResetReason.GENERIC);
            a.up();
            assertEquals(EnaResetReason.GENERIC, a.device.lastDriverResetReason());
        }
    }

    @Test
    void shouldRecoverByItselfFromAFatalErrorAtTheWatchdogsNextTickAndCountTheResetByReason()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = recovering(bed, "i-a", 1);
            final EnaBed.Guest b = recovering(bed, "i-b", 2);
            final long upAtNs = bed.now();
            final RawQueue q = new RawQueue(bed, a, true, 64);
            final int good = frameIn(q, 0, udpFrame(a, b, 40000, 500, 1));
            q.txDesc(good, 64, true, true, q.buffer(0)); // req_id 64 of a 64-deep ring: INV_TX_REQ_ID
            q.ring();
            bed.runFor(100_000);
            assertTrue(a.device.isFatal());
            assertEquals(EnaDriver.STATE_FAILED, a.driver.state(), "failed until the watchdog's tick");
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.driver.failureReason());
            assertEquals(0, a.driver.resets());

            // the watchdog ticks a second after bring-up: the reset task resets with the reason and brings it up
            bed.runFor(upAtNs + EnaBed.SECOND - bed.now() + 100 * EnaBed.MS);
            assertTrue(a.driver.linkUp());
            assertEquals(1, a.driver.resets(EnaResetReason.INV_TX_REQ_ID));
            assertEquals(1, a.driver.resets());
            assertEquals(EnaResetReason.INV_TX_REQ_ID, a.device.lastDriverResetReason());
            assertFalse(a.device.isFatal());
            assertEquals(-1, a.driver.failureReason());
            final byte[] frame = udpFrame(a, b, 40000, 300, 9);
            sendAll(bed, a, 0, frame);
            bed.runFor(EnaBed.MS);
            assertEquals(1, b.received.frames.size(), "traffic resumes on the rebuilt queues");
        }
    }

    @Test
    void shouldCountTheFramesInFlightAsLostWhenTheDeviceIsResetUnderThem()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = recovering(bed, "i-a", 1);
            final EnaBed.Guest b = recovering(bed, "i-b", 2);
            final byte[] frame = udpFrame(a, b, 40000, 300, 1);
            final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(frame);
            a.device.functionLevelReset(); // the device forgets its queues: nothing posted now completes
            for (int i = 0; i < 3; i++)
            {
                assertTrue(a.driver.transmit(0, buffer, 0, frame.length, frame.length));
            }
            a.driver.flushTx();
            // DEV_STS reads all ones (memory space off after the FLR): the health check resets with GENERIC
            bed.runFor(EnaBed.SECOND + 100 * EnaBed.MS);
            assertTrue(a.driver.linkUp());
            assertEquals(1, a.driver.resets(EnaResetReason.GENERIC));
            assertEquals(3, a.driver.framesLostToResets());
            assertEquals(0, b.received.frames.size());
            sendAll(bed, a, 0, frame);
            bed.runFor(EnaBed.MS);
            assertEquals(1, b.received.frames.size());
        }
    }

    @Test
    void shouldDropAndCountAFrameWhoseIpv4HeaderChecksumTheDeviceFindsWrong()
    {
        try (EnaBed bed = new EnaBed())
        {
            final EnaBed.Guest a = recovering(bed, "i-a", 1);
            final EnaBed.Guest b = recovering(bed, "i-b", 2);
            final byte[] bad = udpFrame(a, b, 40000, 300, 1);
            bad[22] ^= 0x01; // the TTL: the header checksum no longer holds
            sendAll(bed, a, 0, bad, udpFrame(a, b, 40000, 300, 2));
            bed.runFor(EnaBed.MS);
            assertEquals(2, b.device.rxFrames(), "the device delivers both, the first flagged l3_csum_err");
            assertEquals(1, b.driver.rxCsumBad());
            assertEquals(1, b.received.frames.size());
        }
    }
}

package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.RecordingFunction;
import io.nitrosim.pci.RecordingMsiSink;

/**
 * Both sides of a guest queue pair through one device: the driver writes entries and rings, the device fetches
 * them by DMA and posts completions, the driver reaps them by phase tag, across ring wraps.
 */
class GuestQueueTest
{
    private static final long BASE = 0x10_0000L;
    private static final long SQ = BASE;
    private static final long CQ = BASE + 0x1000;
    /** An NVMe-like completion: tag in the word at 12, bit 16. */
    private static final PhaseTag TAG = new PhaseTag(12, 1 << 16);

    private final FakeGuestMemory memory = new FakeGuestMemory(BASE, 64 * 1024);
    private final FakeGuestMemoryAccess guest = new FakeGuestMemoryAccess(memory);
    private final RecordingFunction device = new RecordingFunction();
    private final FunctionAccess function = FunctionAccess.of(device);
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[16]);

    GuestQueueTest()
    {
        device.connect(memory, new RecordingMsiSink());
        FunctionSetup.enableMemoryAndBusMaster(function);
    }

    private UnsafeBuffer entry(final int marker, final boolean phase)
    {
        entry.setMemory(0, 16, (byte)0);
        entry.putInt(0, marker, ByteOrder.LITTLE_ENDIAN);
        entry.putInt(12, phase ? 1 << 16 : 0, ByteOrder.LITTLE_ENDIAN);
        return entry;
    }

    @Test
    void shouldCarryEntriesFromDriverToDeviceAndCompletionsBackAcrossWraps() throws Exception
    {
        final SubmissionQueueWriter sqWriter = new SubmissionQueueWriter(RingNumbering.SLOT_INDEX);
        final SubmissionQueueReader sqReader = new SubmissionQueueReader(RingNumbering.SLOT_INDEX, 16, 1);
        final CompletionQueueWriter cqWriter = new CompletionQueueWriter(RingNumbering.SLOT_INDEX);
        final CompletionQueueReader cqReader = new CompletionQueueReader(RingNumbering.SLOT_INDEX, TAG);
        sqWriter.open(SQ, 3, 16);
        sqReader.open(SQ, 3);
        cqWriter.open(CQ, 3, 16, 1);
        cqReader.clear(guest, CQ, 3, 16);
        final UnsafeBuffer fetched = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer reaped = new UnsafeBuffer(new byte[16]);
        for (int i = 0; i < 7; i++)
        {
            sqWriter.write(guest, entry(100 + i, false), 0);
            assertTrue(sqWriter.ring(function, 0, RecordingFunction.DOORBELL_OFFSET));
            assertFalse(sqWriter.ring(function, 0, RecordingFunction.DOORBELL_OFFSET), "nothing new to ring");
            device.agent().doWork();
            sqReader.tail(device.doorbellValues.getInt(device.doorbellValues.size() - 1));
            assertEquals(1, sqReader.pending());
            assertEquals(DmaPort.OK, sqReader.fetch(device.dma(), fetched, 0));
            assertTrue(sqReader.isEmpty());
            assertEquals(100 + i, fetched.getInt(0, ByteOrder.LITTLE_ENDIAN));

            assertFalse(cqReader.hasEntry(guest), "an entry of the last lap must not look new");
            cqWriter.head(cqReader.head().value());
            assertTrue(cqWriter.hasRoom());
            assertEquals(DmaPort.OK, cqWriter.post(device.dma(), entry(200 + i, cqWriter.phase()), 0));
            assertTrue(cqReader.peek(guest, reaped, 0));
            cqReader.consume();
            assertEquals(200 + i, reaped.getInt(0, ByteOrder.LITTLE_ENDIAN));
            assertEquals((i + 1) % 3, cqReader.head().value());
        }
        assertEquals(java.util.List.of(1, 2, 0, 1, 2, 0, 1), device.doorbellValues);
        assertTrue(cqReader.ring(function, 0, RecordingFunction.DOORBELL_OFFSET + 4, 0));
        assertFalse(cqReader.ring(function, 0, RecordingFunction.DOORBELL_OFFSET + 4, 0));
        device.agent().doWork();
        assertEquals(1, device.doorbellValues.getInt(device.doorbellValues.size() - 1));
    }

    @Test
    void shouldKeepOneSlotOfASlotIndexedQueueEmptyAndHonourACreditLimitOfACountedOne()
    {
        final CompletionQueueWriter slots = new CompletionQueueWriter(RingNumbering.SLOT_INDEX);
        slots.open(CQ, 3, 16, CompletionQueueWriter.NO_VECTOR);
        assertEquals(DmaPort.OK, slots.post(device.dma(), entry(1, true), 0));
        assertTrue(slots.hasRoom());
        assertEquals(DmaPort.OK, slots.post(device.dma(), entry(2, true), 0));
        assertFalse(slots.hasRoom(), "the host has read nothing: the last slot stays empty");
        slots.head(1);
        assertTrue(slots.hasRoom());

        final CompletionQueueWriter counted = new CompletionQueueWriter(RingNumbering.RUNNING_COUNTER);
        counted.open(CQ, 4, 16, 0);
        assertFalse(counted.hasRoom(), "no credit before the host's first doorbell");
        counted.head(4);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(counted.hasRoom());
            assertEquals(DmaPort.OK, counted.post(device.dma(), entry(i, counted.phase()), 0));
        }
        assertFalse(counted.hasRoom());
        assertFalse(counted.phase(), "the second lap carries phase 0");
        counted.head(65_535);
        assertFalse(counted.hasRoom(), "a limit more than a ring ahead is not credit");
    }

    @Test
    void shouldPeekDescriptorsInBurstsUpToTheTailAndTheRingEnd()
    {
        final SubmissionQueueReader ring = new SubmissionQueueReader(RingNumbering.RUNNING_COUNTER, 16, 4);
        ring.open(SQ, 8);
        for (int slot = 0; slot < 8; slot++)
        {
            memory.putInt(SQ + slot * 16L, 1000 + slot);
        }
        ring.consume(6);
        ring.tail(10);
        assertEquals(4, ring.pending());
        final long reads = memory.readCount();
        assertEquals(0, ring.peek(0, device.dma()));
        assertEquals(16, ring.peek(1, device.dma()));
        assertEquals(reads + 1, memory.readCount(), "slots 6 and 7 in one read, stopping at the ring's end");
        assertEquals(1007, ring.cache().getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, ring.peek(2, device.dma()));
        assertEquals(16, ring.peek(3, device.dma()));
        assertEquals(reads + 2, memory.readCount(), "slots 0 and 1 in one read, stopping at the tail");
        assertEquals(1001, ring.cache().getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertTrue(ring.expectedPhase(1));
        assertFalse(ring.expectedPhase(2), "slot 0 of the second lap");
        ring.consume(4);
        assertTrue(ring.isEmpty());

        memory.refuseAll(true);
        ring.tail(12);
        assertEquals(-1, ring.peek(0, device.dma()));
        assertEquals(DmaPort.REFUSED, ring.fetch(device.dma(), entry, 0));
        assertEquals(10, ring.head().value(), "a refused fetch consumes nothing");
        assertEquals(ConfigSpace.STATUS_RECEIVED_MASTER_ABORT,
            device.configRead(ConfigSpace.STATUS_OFFSET, 2) & ConfigSpace.STATUS_RECEIVED_MASTER_ABORT);
    }

    @Test
    void shouldSplitABatchOfEntriesAtTheRingEnd()
    {
        final SubmissionQueueWriter ring = new SubmissionQueueWriter(RingNumbering.RUNNING_COUNTER);
        ring.open(SQ, 4, 4);
        final UnsafeBuffer batch = new UnsafeBuffer(new byte[12]);
        batch.putInt(0, 1);
        batch.putInt(4, 2);
        batch.putInt(8, 3);
        ring.write(guest, batch, 0, 3);
        ring.write(guest, batch, 0, 3);
        assertEquals(6, ring.tail().value());
        assertEquals(1, memory.getInt(SQ + 12), "the second batch wrapped: 1 at slot 3, then 2, 3 at slots 0, 1");
        assertEquals(2, memory.getInt(SQ));
        assertEquals(3, memory.getInt(SQ + 4));
        assertEquals(3, memory.getInt(SQ + 8), "slot 2 still holds the first batch's last entry");
    }
}

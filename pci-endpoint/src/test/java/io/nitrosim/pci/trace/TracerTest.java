package io.nitrosim.pci.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.MsixTable;
import io.nitrosim.pci.PciTestFirmware;
import io.nitrosim.pci.RecordingFunction;
import io.nitrosim.pci.RecordingMsiSink;

class TracerTest
{
    /** Records what it is given, as text, for exact assertions. */
    private static final class ListSink implements TraceSink
    {
        final List<String> events = new ArrayList<>();

        @Override
        public void record(final int kind, final int instance, final int function, final int queue, final long arg0,
            final long arg1, final long arg2, final long arg3)
        {
            events.add(TraceKind.name(kind) + " " + instance + "/" + function + " q" + queue + " " + arg0 + " " + arg1
                + " " + arg2 + " " + arg3);
        }
    }

    @Test
    void shouldRecordOnlyTheKindsInItsMask()
    {
        final ListSink sink = new ListSink();
        final Tracer tracer = new Tracer(sink, TraceKind.mask(List.of("doorbell", "msix")), 2, 5);
        tracer.emit(TraceKind.DOORBELL, -1, 0, 0x1000, 7, 0);
        tracer.emit(TraceKind.DMA_READ, -1, 0x4000, 64, 0, 0);
        tracer.emit(TraceKind.MSIX, -1, 3, 0, 0xFEE00000L, 33);
        assertEquals(List.of("doorbell 2/5 q-1 0 4096 7 0", "msix 2/5 q-1 3 0 4276092928 33"), sink.events);
        assertFalse(Tracer.OFF.isOn(TraceKind.DOORBELL));
        Tracer.OFF.emit(TraceKind.DOORBELL, 0, 0, 0, 0, 0); // no sink, nothing happens
    }

    @Test
    void shouldWriteTheDocumentedLittleEndianLayout()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[TraceRecord.LENGTH]);
        TraceRecord.put(buffer, 0, 0x0102030405060708L, TraceKind.DMA_WRITE, 1, 4, 9, 10, 11, 12, 13);
        final byte[] b = buffer.byteArray();
        assertEquals(0x08, b[0]);
        assertEquals(0x01, b[7]);
        assertEquals(TraceKind.DMA_WRITE, b[8]);
        assertEquals(1, buffer.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(4, buffer.getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(9, buffer.getInt(20, ByteOrder.LITTLE_ENDIAN));
        assertEquals(10, buffer.getLong(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(13, buffer.getLong(48, ByteOrder.LITTLE_ENDIAN));
        final TraceRecord r = new TraceRecord().wrap(buffer, 0);
        assertEquals(List.of(0x0102030405060708L, (long)TraceKind.DMA_WRITE, 1L, 4L, 9L, 10L, 11L, 12L, 13L),
            List.of(r.timeNs(), (long)r.kind(), (long)r.instance(), (long)r.function(), (long)r.queue(), r.arg0(),
                r.arg1(), r.arg2(), r.arg3()));
    }

    @Test
    void shouldStampEventsWithTheClockAndHandOverWholeBatches()
    {
        final long[] now = {0};
        final NanoClock clock = () -> now[0];
        final List<Integer> batches = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final TraceRecord r = new TraceRecord();
        final TraceBuffer buffer = new TraceBuffer(clock, 2, (records, length) ->
        {
            batches.add(length);
            for (int at = 0; at < length; at += TraceRecord.LENGTH)
            {
                times.add(r.wrap(records, at).timeNs());
            }
        });
        final Tracer tracer = new Tracer(buffer, TraceKind.ALL, 0, 3);
        now[0] = 500;
        tracer.emit(TraceKind.RESET, -1, 0, 0, 0, 0);
        now[0] = 700;
        tracer.emit(TraceKind.RESET, -1, 0, 0, 0, 0);
        tracer.emit(TraceKind.RESET, -1, 0, 0, 0, 0);
        assertEquals(List.of(2 * TraceRecord.LENGTH), batches);
        buffer.flush();
        assertEquals(List.of(2 * TraceRecord.LENGTH, TraceRecord.LENGTH), batches);
        assertEquals(3, buffer.recordedCount());
        assertEquals(List.of(500L, 700L, 700L), times);
    }

    @Test
    void shouldTraceTheFunctionsHostAccessesDmaAndMsixMessages() throws Exception
    {
        final ListSink sink = new ListSink();
        final RecordingFunction function = new RecordingFunction();
        final FakeGuestMemory memory = new FakeGuestMemory(0x10000, 4096);
        final RecordingMsiSink msi = new RecordingMsiSink();
        function.connect(memory, msi);
        function.tracer(new Tracer(sink, TraceKind.ALL, 1, 3));
        PciTestFirmware.setCommandBits(function, ConfigSpace.COMMAND_MEMORY_SPACE | ConfigSpace.COMMAND_BUS_MASTER,
            true);
        PciTestFirmware.enableMsix(function, 2, 40);
        sink.events.clear();

        function.mmioWrite(0, RecordingFunction.DOORBELL_OFFSET, 4, 5);
        function.agent().doWork();
        assertEquals(List.of("mmio-write 1/3 q-1 0 4096 4 5", "doorbell 1/3 q-1 0 4096 5 0"), sink.events);

        sink.events.clear();
        assertEquals(RecordingFunction.ID_VALUE, function.mmioRead(0, RecordingFunction.ID_OFFSET, 4));
        assertEquals(DmaPort.OK, function.dma().putInt(0x10010, 1));
        function.dma().getInt(0x90000);
        assertEquals(DmaPort.REFUSED, function.dma().lastStatus());
        assertEquals(MsixTable.DELIVERED, function.msix().signal(1));
        assertEquals(List.of("mmio-read 1/3 q-1 0 0 4 " + RecordingFunction.ID_VALUE,
            "dma-write 1/3 q-1 65552 4 0 0", "dma-read 1/3 q-1 589824 4 " + DmaPort.REFUSED + " 0",
            "msix 1/3 q-1 1 0 " + (0xFEE00000L | 2 << 12) + " 41"), sink.events);
        assertTrue(sink.events.stream().noneMatch(e -> e.startsWith("reset")));

        function.functionLevelReset();
        assertEquals("reset 1/3 q-1 0 0 0 0", sink.events.get(sink.events.size() - 1));
    }

    @Test
    void shouldRecordTheBytesOfASuccessfulDmaReadIn24BytePieces()
    {
        final ListSink sink = new ListSink();
        final RecordingFunction function = new RecordingFunction();
        final FakeGuestMemory memory = new FakeGuestMemory(0x10000, 4096);
        function.connect(memory, new RecordingMsiSink());
        function.tracer(new Tracer(sink, TraceKind.EVERY, 0, 3));
        PciTestFirmware.setCommandBits(function, ConfigSpace.COMMAND_BUS_MASTER, true);
        for (int i = 0; i < 50; i++)
        {
            assertEquals(DmaPort.OK, function.dma().write(0x10100 + i, new UnsafeBuffer(new byte[] {(byte)(i + 1)}), 0,
                1));
        }
        sink.events.clear();
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
        assertEquals(DmaPort.OK, function.dma().read(0x10100, dst, 4, 50));
        function.dma().getInt(0x90000); // refused: no bytes to record
        assertEquals(List.of("dma-read 0/3 q-1 65792 50 0 0",
            "dma-data 0/3 q-1 " + (0x10100L | 24L << 56) + " 578437695752307201 1157159078456920585 1735880461161533969",
            "dma-data 0/3 q-1 " + (0x10118L | 24L << 56) + " 2314601843866147353 2893323226570760737 3472044609275374121",
            "dma-data 0/3 q-1 " + (0x10130L | 2L << 56) + " 12849 0 0",
            "dma-read 0/3 q-1 589824 4 " + DmaPort.REFUSED + " 0"), sink.events);
    }
}

package io.nitrosim.simulator.trace;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.nitrosim.pci.MsixTable;
import io.nitrosim.pci.trace.CreditBucket;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;

/**
 * Writes a trace in the Chrome JSON trace event format, which ui.perfetto.dev and chrome://tracing open
 * (the "JSON Object Format": {@code {"traceEvents": [...], "displayTimeUnit": "ns"}}; {@code ts} and {@code dur}
 * in microseconds).
 * <ul>
 *   <li>One process per traced PCI function ({@code pid} = 1000 x (instance + 1) + device number), named after
 *       its instance, card and ENI or volume; and one per instance for its vCPUs (pid = 1000 x (instance + 1) + 999,
 *       one thread per vCPU: the hypervisor's interrupts raised and delivered and state changes, or in traces
 *       without those, the MSI-X messages delivered, by the MSI address's destination APIC id).</li>
 *   <li>Threads of a function: 1 registers (config, MMIO, doorbells, resets, state, AENQ, MSI-X), 2 DMA, and per
 *       queue q: {@code 100 + 64q + lane} for its commands (a command takes the lowest lane free at its
 *       submission, so slices on one thread never overlap) and {@code 100 + 64q + 63} for its other events.</li>
 *   <li>Slices ("X") for commands from descriptor fetch to descriptor completion (same queue and command id);
 *       instant events ("i", thread scope) for every other record; counters ("C") per function: commands in flight
 *       per queue, the bytes the shaping gate admitted and the records it held per window (default 1 ms) as
 *       Gbit/s and a count, and the credit balances the trace recorded ({@code net-in credits}, ... in %).</li>
 * </ul>
 */
public final class PerfettoExport
{
    static final int VCPU_PROCESS = 999;
    static final int THREAD_REGISTERS = 1;
    static final int THREAD_DMA = 2;
    static final int QUEUE_THREAD_BASE = 100;
    static final int LANES = 63;

    private final TraceMeta meta;
    /** vCPU tracks from the hypervisor's vcpu-* records; from MSI-X destinations in traces without them. */
    private final boolean hypervisorVcpus;
    private final JsonGenerator json;
    private final long windowNs;
    private final Map<Long, long[]> pending = new HashMap<>();
    private final Map<Long, BitSet> lanes = new HashMap<>();
    private final Map<Long, Integer> inFlight = new HashMap<>();
    private final Map<Integer, long[]> windows = new TreeMap<>();
    private final Map<Integer, String> processes = new TreeMap<>();
    private final Map<Long, String> threads = new TreeMap<>();
    private long slices;

    private PerfettoExport(final TraceMeta meta, final JsonGenerator json, final long windowNs)
    {
        this.meta = meta;
        this.hypervisorVcpus = meta.hasHypervisorVcpus();
        this.json = json;
        this.windowNs = windowNs;
    }

    /** What an export wrote. */
    public record Summary(long records, long slices, int processes, int threads)
    {
    }

    /** Writes the records {@code filter} accepts; {@code windowNs} is the counters' window (> 0). */
    public static Summary write(final TraceReader reader, final TraceFilter filter, final long windowNs,
        final OutputStream out) throws IOException
    {
        try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8))
        {
            final PerfettoExport export = new PerfettoExport(reader.meta(), json, windowNs);
            json.writeStartObject();
            json.writeStringField("displayTimeUnit", "ns");
            json.writeArrayFieldStart("traceEvents");
            long records = 0;
            while (reader.next())
            {
                final TraceRecord r = reader.record();
                if (filter.matches(r))
                {
                    export.add(r);
                    records++;
                }
            }
            export.finish();
            json.writeEndArray();
            json.writeEndObject();
            return new Summary(records, export.slices, export.processes.size(), export.threads.size());
        }
    }

    private void add(final TraceRecord r) throws IOException
    {
        final int kind = r.kind();
        final int instance = r.instance();
        final int function = r.function();
        final int pid = functionPid(instance, function);
        final long t = r.timeNs();
        switch (kind)
        {
            case TraceKind.DESCRIPTOR_FETCH:
            {
                final long key = commandKey(instance, function, r.queue(), r.arg1());
                final long queueKey = queueKey(instance, function, r.queue());
                final BitSet busy = lanes.computeIfAbsent(queueKey, k -> new BitSet());
                final int lane = Math.min(busy.nextClearBit(0), LANES - 1);
                busy.set(lane);
                final long[] previous = pending.put(key, new long[] {t, lane, r.arg2(), r.arg0()});
                if (previous != null)
                {
                    busy.clear((int)previous[1]); // the same id fetched again before it completed: start over
                    busy.set(lane);
                }
                else
                {
                    counter(pid, "q" + r.queue() + " in flight", t, "commands", inFlight.merge(queueKey, 1, Integer::sum));
                }
                return;
            }
            case TraceKind.DESCRIPTOR_COMPLETE:
            {
                final long key = commandKey(instance, function, r.queue(), r.arg1());
                final long[] start = pending.remove(key);
                if (start != null)
                {
                    final long queueKey = queueKey(instance, function, r.queue());
                    lanes.get(queueKey).clear((int)start[1]);
                    final int tid = QUEUE_THREAD_BASE + 64 * r.queue() + (int)start[1];
                    thread(pid, tid, "q" + r.queue() + " commands" + (start[1] == 0 ? "" : " (" + start[1] + ")"));
                    slice(pid, tid, commandName(instance, function, r.queue(), start[2]), start[0], t - start[0],
                        r.arg1(), r.arg2());
                    counter(pid, "q" + r.queue() + " in flight", t, "commands", inFlight.merge(queueKey, -1, Integer::sum));
                    return;
                }
                break; // a completion without a fetch (an RX buffer): an instant
            }
            case TraceKind.SHAPING_ADMITTED:
            case TraceKind.SHAPING_THROTTLED:
                window(pid, t, kind == TraceKind.SHAPING_ADMITTED ? r.arg0() : 0,
                    kind == TraceKind.SHAPING_THROTTLED ? 1 : 0);
                break;
            case TraceKind.DMA_DATA:
                return; // the bytes behind a dma-read instant: for replay, not for the eye
            case TraceKind.CREDIT:
                counter(pid, CreditBucket.name(r.arg0()) + " credits", t, "%", r.arg1() / 10_000.0);
                return;
            case TraceKind.VCPU_INTERRUPT:
            case TraceKind.VCPU_STATE:
            {
                final int vcpuPid = vcpuThread(instance, r.queue());
                instant(vcpuPid, r.queue() + 1, kind == TraceKind.VCPU_STATE ? TraceText.vcpuWord(kind, r.arg0())
                    : "interrupt " + r.arg0() + " " + TraceText.vcpuWord(kind, r.arg1()), t, r);
                return;
            }
            case TraceKind.MSIX:
                if (!hypervisorVcpus && (r.arg1() & 0xFF) == MsixTable.DELIVERED)
                {
                    final int apicId = (int)((r.arg2() >>> 12) & 0xFF); // MSI address bits 19:12: destination
                    final int vcpuPid = vcpuThread(instance, apicId);
                    instant(vcpuPid, apicId + 1, "MSI-X " + meta.functionName(instance, function) + " vector " + r.arg0(),
                        t, r);
                }
                break;
            default:
                break;
        }
        final int tid = threadOf(kind, r.queue());
        thread(pid, tid, tid == THREAD_REGISTERS ? "registers" : tid == THREAD_DMA ? "DMA" : "q" + r.queue() + " events");
        instant(pid, tid, TraceKind.name(kind), t, r);
    }

    /** The vCPU's track (thread {@code vcpu + 1} of the instance's vCPU process); returns the process id. */
    private int vcpuThread(final int instance, final int vcpu) throws IOException
    {
        final int vcpuPid = 1000 * (instance + 1) + VCPU_PROCESS;
        process(vcpuPid, meta.instanceName(instance) + " vCPUs");
        thread(vcpuPid, vcpu + 1, "vCPU " + vcpu + " (APIC " + vcpu + ")");
        return vcpuPid;
    }

    private static int threadOf(final int kind, final int queue)
    {
        if (kind == TraceKind.DMA_READ || kind == TraceKind.DMA_WRITE)
        {
            return THREAD_DMA;
        }
        return queue < 0 ? THREAD_REGISTERS : QUEUE_THREAD_BASE + 64 * queue + 63;
    }

    private String commandName(final int instance, final int function, final int queue, final long opcode)
    {
        final TraceMeta.FunctionName f = meta.function(instance, function);
        if (f != null && "nvme".equals(f.device()))
        {
            if (queue == 0)
            {
                return "admin 0x" + Long.toHexString(opcode);
            }
            switch ((int)opcode)
            {
                case 0x00:
                    return "flush";
                case 0x01:
                    return "write";
                case 0x02:
                    return "read";
                case 0x09:
                    return "dataset management";
                default:
                    return "io 0x" + Long.toHexString(opcode);
            }
        }
        return "tx frame";
    }

    private int functionPid(final int instance, final int function) throws IOException
    {
        final int pid = 1000 * (instance + 1) + Math.max(0, function);
        if (!processes.containsKey(pid))
        {
            final TraceMeta.FunctionName f = meta.function(instance, function);
            final String card = f == null ? "" : f.device().startsWith("nvme") || f.device().startsWith("ebs")
                ? " EBS card" : " VPC card";
            process(pid, meta.instanceName(instance) + card + ": " + meta.functionName(instance, function)
                + (f == null ? "" : " (" + f.device() + ", device " + function + ")"));
        }
        return pid;
    }

    private void process(final int pid, final String name) throws IOException
    {
        if (processes.putIfAbsent(pid, name) == null)
        {
            metadata("process_name", pid, 0, name);
            json.writeStartObject();
            json.writeStringField("name", "process_sort_index");
            json.writeStringField("ph", "M");
            json.writeNumberField("pid", pid);
            json.writeNumberField("tid", 0);
            json.writeObjectFieldStart("args");
            json.writeNumberField("sort_index", pid);
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    private void thread(final int pid, final int tid, final String name) throws IOException
    {
        if (threads.putIfAbsent(((long)pid << 32) | tid, name) == null)
        {
            metadata("thread_name", pid, tid, name);
        }
    }

    private void metadata(final String what, final int pid, final int tid, final String name) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("name", what);
        json.writeStringField("ph", "M");
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeObjectFieldStart("args");
        json.writeStringField("name", name);
        json.writeEndObject();
        json.writeEndObject();
    }

    private void slice(final int pid, final int tid, final String name, final long startNs, final long durNs,
        final long id, final long status) throws IOException
    {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("ph", "X");
        json.writeNumberField("ts", micros(startNs));
        json.writeNumberField("dur", micros(durNs));
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeObjectFieldStart("args");
        json.writeNumberField("id", id);
        json.writeNumberField("status", status);
        json.writeEndObject();
        json.writeEndObject();
        slices++;
    }

    private void instant(final int pid, final int tid, final String name, final long timeNs, final TraceRecord r)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("ph", "i");
        json.writeStringField("s", "t");
        json.writeNumberField("ts", micros(timeNs));
        json.writeNumberField("pid", pid);
        json.writeNumberField("tid", tid);
        json.writeObjectFieldStart("args");
        json.writeStringField("event", TraceText.line(meta, r));
        json.writeEndObject();
        json.writeEndObject();
    }

    private void counter(final int pid, final String name, final long timeNs, final String series, final double value)
        throws IOException
    {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("ph", "C");
        json.writeNumberField("ts", micros(timeNs));
        json.writeNumberField("pid", pid);
        json.writeObjectFieldStart("args");
        json.writeNumberField(series, value);
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Adds to the function's shaping window, writing the finished windows' counters first. */
    private void window(final int pid, final long timeNs, final long admittedBytes, final long held) throws IOException
    {
        final long start = timeNs - Math.floorMod(timeNs, windowNs);
        long[] w = windows.get(pid);
        if (w != null && w[0] != start)
        {
            flushWindow(pid, w);
            if (start > w[0] + windowNs)
            {
                writeWindow(pid, w[0] + windowNs, 0, 0); // an idle gap reads as zero, not as the last rate
            }
            w = null;
        }
        if (w == null)
        {
            w = new long[] {start, 0, 0};
            windows.put(pid, w);
        }
        w[1] += admittedBytes;
        w[2] += held;
    }

    private void flushWindow(final int pid, final long[] w) throws IOException
    {
        writeWindow(pid, w[0], w[1], w[2]);
    }

    private void writeWindow(final int pid, final long startNs, final long bytes, final long held) throws IOException
    {
        counter(pid, "shaping admitted", startNs, "Gbps", bytes * 8.0 / windowNs);
        counter(pid, "shaping held", startNs, "records", held);
    }

    private void finish() throws IOException
    {
        for (final Map.Entry<Integer, long[]> e : windows.entrySet())
        {
            flushWindow(e.getKey(), e.getValue());
        }
    }

    private static BigDecimal micros(final long ns)
    {
        return BigDecimal.valueOf(ns, 3);
    }

    private static long commandKey(final int instance, final int function, final int queue, final long id)
    {
        return (queueKey(instance, function, queue) << 16) | (id & 0xFFFF);
    }

    private static long queueKey(final int instance, final int function, final int queue)
    {
        return ((long)(instance & 0xFFFF) << 32) | ((long)(function & 0xFF) << 24) | (queue & 0xFF_FFFF);
    }
}

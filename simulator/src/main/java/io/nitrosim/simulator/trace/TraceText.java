package io.nitrosim.simulator.trace;

import java.util.Locale;

import io.nitrosim.pci.DmaPort;
import io.nitrosim.pci.MsixTable;
import io.nitrosim.pci.trace.CreditBucket;
import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.shaping.ShapingReason;

/** One trace record as a line of text: time, instance/function, queue, kind and named arguments. */
public final class TraceText
{
    /** Names of each kind's arguments (as in {@link TraceKind}); null: not shown. */
    private static final String[][] ARGS = {
        {"offset", "size", "value", null},                       // config-read
        {"offset", "size", "value", null},                       // config-write
        {"bar", "offset", "size", "value"},                      // mmio-read
        {"bar", "offset", "size", "value"},                      // mmio-write
        {"bar", "offset", "value", null},                        // doorbell
        {"address", "length", "status", null},                   // dma-read
        {"address", "length", "status", null},                   // dma-write
        {"vector", "status", "address", "data"},                 // msix
        {"index", "id", "opcode/length", null},                  // descriptor-fetch
        {"index", "id", "status", "phase"},                      // descriptor-complete
        {"bytes", null, null, null},                             // shaping-admitted
        {"bytes", "reasons", "admit-at-ns", null},               // shaping-throttled
        {"bytes", "dst-host", "vni", null},                      // frame-out
        {"bytes", null, null, null},                             // frame-in
        {"op", "offset", "length", null},                        // storage-op
        {"type", "reason", null, null},                          // reset
        {"status", "reason", null, null},                        // state
        {"group", "syndrome", null, null},                       // aenq
        {"bucket", "balance", null, null},                       // credit
        {"address", "data", "data", "data"},                     // dma-data
        {"vector", "what", null, null},                          // vcpu-interrupt
        {"state", null, null, null},                             // vcpu-state
        {"fault", "phase", "parameter", "duration-ns"},          // fault
    };

    private static final long ADDRESS_MASK = (1L << 56) - 1;

    private TraceText()
    {
    }

    public static String line(final TraceMeta meta, final TraceRecord r)
    {
        final StringBuilder sb = new StringBuilder(128);
        final long t = r.timeNs();
        sb.append(String.format(Locale.ROOT, "%d.%09d", t / 1_000_000_000L, t % 1_000_000_000L));
        sb.append("  ").append(meta.where(r.instance(), r.function()));
        sb.append("  ").append(r.queue() < 0 ? "-" : (isVcpuKind(r.kind()) ? "vcpu" : "q") + r.queue());
        final int kind = r.kind();
        sb.append("  ").append(TraceKind.name(kind));
        if (kind >= 0 && kind < ARGS.length)
        {
            for (int i = 0; i < 4; i++)
            {
                final String name = ARGS[kind][i];
                if (name != null)
                {
                    sb.append(' ').append(name).append('=').append(value(kind, name, r.arg(i)));
                }
            }
        }
        else
        {
            sb.append(String.format(Locale.ROOT, " args=%d,%d,%d,%d", r.arg0(), r.arg1(), r.arg2(), r.arg3()));
        }
        return sb.toString();
    }

    static boolean isVcpuKind(final int kind)
    {
        return kind == TraceKind.VCPU_INTERRUPT || kind == TraceKind.VCPU_STATE;
    }

    private static final String[] INTERRUPT_FATES = {"raised", "merged", "lost", "delivered"};
    private static final String[] VCPU_STATES = {"halted", "running", "interrupts-disabled", "interrupts-enabled"};

    /** A vcpu-interrupt's fate or a vcpu-state's state as a word. */
    public static String vcpuWord(final int kind, final long v)
    {
        final String[] words = kind == TraceKind.VCPU_INTERRUPT ? INTERRUPT_FATES : VCPU_STATES;
        return v >= 0 && v < words.length ? words[(int)v] : Long.toString(v);
    }

    private static String value(final int kind, final String name, final long v)
    {
        switch (name)
        {
            case "what":
                return vcpuWord(TraceKind.VCPU_INTERRUPT, v);
            case "state":
                return kind == TraceKind.VCPU_STATE ? vcpuWord(kind, v) : "0x" + Long.toHexString(v);
            case "offset":
                return kind == TraceKind.STORAGE_OP ? Long.toString(v) : "0x" + Long.toHexString(v);
            case "address":
                return kind == TraceKind.DMA_DATA ? "0x" + Long.toHexString(v & ADDRESS_MASK) + " length=" + (v >>> 56)
                    : "0x" + Long.toHexString(v);
            case "data":
                return kind == TraceKind.DMA_DATA ? String.format(Locale.ROOT, "%016x", Long.reverseBytes(v)) // memory order
                    : "0x" + Long.toHexString(v);
            case "value":
                return "0x" + Long.toHexString(v);
            case "status":
                if (kind == TraceKind.DMA_READ || kind == TraceKind.DMA_WRITE)
                {
                    return DmaPort.statusName((int)v);
                }
                if (kind == TraceKind.MSIX)
                {
                    return msixStatus((int)v);
                }
                return kind == TraceKind.STATE ? "0x" + Long.toHexString(v) : Long.toString(v);
            case "reasons":
                return ShapingReason.describe((int)v);
            case "bucket":
                return CreditBucket.name(v);
            case "balance":
                return String.format(Locale.ROOT, "%.4f%%", v / 10_000.0);
            case "type":
                return v == 0 ? "flr" : "device";
            default:
                return Long.toString(v);
        }
    }

    private static String msixStatus(final int status)
    {
        final String pending = (status & MsixTable.TRACE_FROM_PENDING) != 0 ? "pending-" : "";
        switch (status & 0xFF)
        {
            case MsixTable.DELIVERED:
                return pending + "delivered";
            case MsixTable.PENDED:
                return pending + "pended";
            case MsixTable.SUPPRESSED_DISABLED:
                return pending + "suppressed";
            case MsixTable.NOT_CONNECTED:
                return pending + "not-connected";
            case MsixTable.INVALID_VECTOR:
                return pending + "invalid-vector";
            default:
                return pending + status;
        }
    }
}

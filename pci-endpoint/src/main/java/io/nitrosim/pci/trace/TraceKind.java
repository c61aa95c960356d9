package io.nitrosim.pci.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of traced events, as stable small integers (the trace format stores them) with one name each
 * ({@code config-read}, ...), and what each record's queue and arguments mean:
 * <pre>
 *  id kind                 queue          arg0           arg1          arg2            arg3
 *   0 config-read          -1             offset         size bytes    value
 *   1 config-write         -1             offset         size bytes    value
 *   2 mmio-read            -1             BAR            offset        size bytes      value
 *   3 mmio-write           -1             BAR            offset        size bytes      value
 *   4 doorbell             -1             BAR            offset        value           (delivered to the device)
 *   5 dma-read             -1             address        length        DmaPort status  (0 OK, else refused)
 *   6 dma-write            -1             address        length        DmaPort status
 *   7 msix                 -1             vector         MsixTable status (0 delivered, 1 pended, ...)
 *                                                                      message address message data
 *   8 descriptor-fetch     queue          ring index     command id    opcode or length
 *   9 descriptor-complete  queue          ring index     command id    status          phase
 *  10 shaping-admitted     record tag     bytes
 *  11 shaping-throttled    record tag     bytes          ShapingReason mask            admit time ns
 *  12 frame-out            TX queue       frame bytes    destination host              VNI
 *  13 frame-in             -1             frame bytes    source ENI number
 *  14 storage-op           slot           storage op     offset bytes  length bytes
 *  15 reset                -1             0 FLR, 1 device reset
 *  16 state                -1             device state code (device-defined)
 *  17 aenq                 -1             group          syndrome
 *  18 fault                -1             fault kind     phase (0 start, 1 end)        parameter (ns or ppm)
 *                                                                      duration ns
 * </pre>
 * Fault kinds (arg0 of {@code fault}) are the simulator's fault codes, in the order of docs/scenarios.md's
 * fault table: 0 storage-latency, 1 storage-stall.
 * A kind's bit in a mask is {@code 1L << id}.
 */
public final class TraceKind
{
    public static final int CONFIG_READ = 0;
    public static final int CONFIG_WRITE = 1;
    public static final int MMIO_READ = 2;
    public static final int MMIO_WRITE = 3;
    public static final int DOORBELL = 4;
    public static final int DMA_READ = 5;
    public static final int DMA_WRITE = 6;
    public static final int MSIX = 7;
    public static final int DESCRIPTOR_FETCH = 8;
    public static final int DESCRIPTOR_COMPLETE = 9;
    public static final int SHAPING_ADMITTED = 10;
    public static final int SHAPING_THROTTLED = 11;
    public static final int FRAME_OUT = 12;
    public static final int FRAME_IN = 13;
    public static final int STORAGE_OP = 14;
    public static final int RESET = 15;
    public static final int STATE = 16;
    public static final int AENQ = 17;
    /** A fault injected by the scenario starts or ends (kept last: new kinds are appended). */
    public static final int FAULT = 18;

    /** Number of kinds; ids are 0..COUNT-1. */
    public static final int COUNT = 19;
    /** Every kind's bit. */
    public static final long ALL = (1L << COUNT) - 1;

    private static final String[] NAMES = {
        "config-read", "config-write", "mmio-read", "mmio-write", "doorbell", "dma-read", "dma-write", "msix",
        "descriptor-fetch", "descriptor-complete", "shaping-admitted", "shaping-throttled", "frame-out", "frame-in",
        "storage-op", "reset", "state", "aenq", "fault"};

    private TraceKind()
    {
    }

    /** The kind's name, or {@code kind-N} for an id this version does not know. */
    public static String name(final int kind)
    {
        return kind >= 0 && kind < COUNT ? NAMES[kind] : "kind-" + kind;
    }

    /** The id of a kind name (case-insensitive), or -1. */
    public static int byName(final String name)
    {
        final String n = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < COUNT; i++)
        {
            if (NAMES[i].equals(n))
            {
                return i;
            }
        }
        return -1;
    }

    /** Every kind name, in id order. */
    public static List<String> names()
    {
        final List<String> names = new ArrayList<>(COUNT);
        for (final String n : NAMES)
        {
            names.add(n);
        }
        return names;
    }

    /** The mask of the named kinds; "all" stands for every kind. @throws IllegalArgumentException on an unknown name */
    public static long mask(final List<String> kindNames)
    {
        long mask = 0;
        for (final String n : kindNames)
        {
            if ("all".equalsIgnoreCase(n))
            {
                mask |= ALL;
                continue;
            }
            final int id = byName(n);
            if (id < 0)
            {
                throw new IllegalArgumentException("unknown trace event kind '" + n + "' (known: all, "
                    + String.join(", ", NAMES) + ")");
            }
            mask |= 1L << id;
        }
        return mask;
    }
}

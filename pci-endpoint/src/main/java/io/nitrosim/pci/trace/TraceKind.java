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
 *  18 credit               -1             CreditBucket   balance ppm
 *  19 dma-data             -1             address | n<<56 bytes 0-7    bytes 8-15      bytes 16-23
 *  20 vcpu-interrupt       vCPU index     vector         0 raised, 1 merged with a pending one, 2 lost (ring full),
 *                                                        3 delivered to the guest program
 *  21 vcpu-state           vCPU index     0 halted, 1 running a program, 2 interrupts disabled, 3 enabled
 *  22 fault                -1             fault kind     phase (0 start, 1 end)        parameter (ns or ppm)
 *                                                                      duration ns
 * </pre>
 * Fault kinds (arg0 of {@code fault}) are the simulator's fault codes, in the order of docs/scenarios.md's
 * fault table: 0 storage-latency, 1 storage-stall, 2 link-down, 3 credits-zeroed (parameter: the balance in ppm
 * before it was zeroed), 4 fabric-loss (parameter: the rate in ppm).
 * The vCPU kinds come from the hypervisor; their function is -1.
 * {@code dma-data} carries the contents of a successful DMA read, {@code n} (1..24) bytes per record from
 * {@code address} on, little-endian in arguments 1-3, right after the read's {@code dma-read} record: with it a
 * trace holds every byte of guest memory the device read, which is what {@code trace replay} writes back before
 * issuing the guest's register accesses.
 * New kinds go at the end (ids are stored in traces).
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
    /** A credit bucket's balance, sampled in simulated time (see {@link CreditBucket}). */
    public static final int CREDIT = 18;
    /** The bytes a DMA read returned (see the table above). */
    public static final int DMA_DATA = 19;
    /** An interrupt raised on or delivered to a vCPU (by the hypervisor). */
    public static final int VCPU_INTERRUPT = 20;
    /** A vCPU's state changed. */
    public static final int VCPU_STATE = 21;
    /** A fault injected by the scenario starts or ends. */
    public static final int FAULT = 22;
    /** Bytes of data per {@link #DMA_DATA} record. */
    public static final int DMA_DATA_BYTES = 24;

    /** Number of kinds; ids are 0..COUNT-1. */
    public static final int COUNT = 23;
    /** Every kind's bit. */
    public static final long EVERY = (1L << COUNT) - 1;
    /**
     * What {@code all} stands for: every event kind, not {@link #DMA_DATA} (the bytes behind the reads, which only
     * replay needs and which cost as much again to record); name it to have it.
     */
    public static final long ALL = EVERY & ~(1L << DMA_DATA);

    private static final String[] NAMES = {
        "config-read", "config-write", "mmio-read", "mmio-write", "doorbell", "dma-read", "dma-write", "msix",
        "descriptor-fetch", "descriptor-complete", "shaping-admitted", "shaping-throttled", "frame-out", "frame-in",
        "storage-op", "reset", "state", "aenq", "credit", "dma-data", "vcpu-interrupt",
        "vcpu-state", "fault"};

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

    /**
     * The mask of the named kinds; "all" stands for {@link #ALL} (every kind but {@code dma-data}).
     * @throws IllegalArgumentException on an unknown name
     */
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

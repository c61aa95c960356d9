package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The faults a scenario can inject, with their names in scenario files. The ordinal is the fault's code in a
 * trace's {@code fault} events (arg0), so kinds are only ever appended.
 */
public enum FaultKind
{
    /** The volume's storage answers every I/O queued during the fault {@code latency} later. Target: a volume. */
    STORAGE_LATENCY("storage-latency", Target.VOLUME),
    /** The volume's storage takes no I/O for the fault's duration; I/O waits and resumes after. Target: a volume. */
    STORAGE_STALL("storage-stall", Target.VOLUME),
    /**
     * The ENI's link is down for the fault's duration (ENA AENQ LINK_CHANGE down, then up): no frame is sent or
     * received; the driver sees carrier off, then on, and traffic resumes. Target: an ENI.
     */
    LINK_DOWN("link-down", Target.ENI),
    /**
     * A credit balance goes to 0 at the fault's start: the instance's network credits in one direction
     * ({@code bucket: net-out|net-in}), its EBS burst credits ({@code ebs}), or a volume's burst balance
     * ({@code volume}; the target is then the volume). The rate falls to the baseline at once and credits are earned
     * again as usual (the duration is the window the results measure). Target: an instance (a volume for
     * {@code bucket: volume}).
     */
    CREDITS_ZEROED("credits-zeroed", Target.INSTANCE),
    /**
     * Each frame the card delivers to the ENI during the fault is lost on the way with probability {@code rate}
     * (seeded: the same frames every run); TCP-like streams retransmit. Target: an ENI.
     */
    FABRIC_LOSS("fabric-loss", Target.ENI),
    /**
     * A function-level reset of the target's PCI function (the volume's NVMe controller or the ENI's ENA device) at
     * the fault's start, with I/O in flight: the device drops what it held and the driver sees it, resets and
     * re-initialises; I/O resumes. The duration is the window the results measure. Target: a volume or an ENI.
     */
    FUNCTION_RESET("function-reset", Target.FUNCTION),
    /**
     * A guest page the target's device is about to DMA (under an in-flight descriptor) is unmapped from the IOMMU
     * at the fault's start and mapped again at its end: the device's DMA is refused, it reports the failure as its
     * spec defines, the driver recovers. Target: a volume or an ENI.
     */
    DMA_FAULT("dma-fault", Target.FUNCTION),
    /**
     * The volume is detached from its instance with I/O in flight at the fault's start and attached again at its
     * end. Target: a volume.
     */
    VOLUME_DETACH("volume-detach", Target.VOLUME),
    /**
     * The volume's storage server is killed at the fault's start (what it had not made durable is gone, nothing it
     * acknowledged) and restarted at its end. Target: a volume.
     */
    STORAGE_RESTART("storage-restart", Target.VOLUME),
    /**
     * Each frame the card delivers to the ENI during the fault has a byte flipped on the way with probability
     * {@code rate} (seeded); the receiver's checksums catch it and TCP-like streams retransmit. Target: an ENI.
     */
    FABRIC_CORRUPTION("fabric-corruption", Target.ENI);

    /** What a fault of a kind hits. */
    public enum Target
    {
        VOLUME("volume"), ENI("ENI"), INSTANCE("instance"),
        /** A PCI function: a volume's NVMe controller or an ENI's ENA device. */
        FUNCTION("volume or ENI");

        private final String what;

        Target(final String what)
        {
            this.what = what;
        }

        /** How messages name it ("volume"). */
        public String what()
        {
            return what;
        }
    }

    private final String key;
    private final Target target;

    FaultKind(final String key, final Target target)
    {
        this.key = key;
        this.target = target;
    }

    public Target target()
    {
        return target;
    }

    /** The name in scenario files and results ("storage-latency"). */
    public String key()
    {
        return key;
    }

    /**
     * The buckets a {@link #CREDITS_ZEROED} fault can empty, as scenario files name them: an instance's network
     * credits in one direction, its EBS burst credits (bytes and I/O together), or a volume's burst balance
     * ({@link #VOLUME_BUCKET}: the target is then the volume).
     */
    public static final List<String> CREDIT_BUCKETS = List.of("net-out", "net-in", "ebs", "volume");
    /** The credits-zeroed bucket whose target is a volume. */
    public static final String VOLUME_BUCKET = "volume";

    /** The kind named {@code key}, or null. */
    public static FaultKind fromKey(final String key)
    {
        for (final FaultKind k : values())
        {
            if (k.key.equals(key))
            {
                return k;
            }
        }
        return null;
    }

    public static List<String> keys()
    {
        final List<String> keys = new ArrayList<>();
        for (final FaultKind k : values())
        {
            keys.add(k.key);
        }
        return keys;
    }
}

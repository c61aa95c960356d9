package io.nitrosim.simulator.scenario;

/**
 * Upper bounds of a scenario (documented in docs/scenarios.md, "Limits"). They keep every accepted scenario
 * within what one simulator process can run: no arithmetic overflow, no unbounded memory. The memory a run
 * needs within these bounds is estimated separately ({@link RunFootprint}) and compared with the JVM's.
 */
public final class ScenarioLimits
{
    /** Largest scenario file read (a scenario of the largest accepted size fits in well under this). */
    public static final long MAX_FILE_BYTES = 4L << 20;
    /** Longest simulated duration: a day, enough to watch any C5 credit bucket drain and refill. */
    public static final long MAX_DURATION_NS = 24L * 3600 * 1_000_000_000L;
    /** Most samples of one time series: sampleInterval must be at least duration / this. */
    public static final long MAX_SAMPLES = 100_000;
    public static final int MAX_HOSTS = 64;
    /** Worker threads of a real-time run (a scenario's groups run on at most this many). */
    public static final int MAX_THREADS = 256;
    /** Instances after {@code count} is expanded. */
    public static final int MAX_INSTANCES = 1024;
    public static final int MAX_COUNT = 72;
    public static final int MAX_VPCS = 16;
    public static final int MAX_SUBNETS_PER_VPC = 200;
    public static final int MAX_PEERINGS = 128;
    public static final int MAX_SECURITY_GROUPS = 500;
    /** Rules per direction of one security group. */
    public static final int MAX_RULES = 60;
    public static final int MAX_WORKLOADS = 1024;
    public static final int MAX_STREAMS_PER_WORKLOAD = 128;
    /** iperf streams of the whole scenario. */
    public static final int MAX_STREAMS = 4096;
    public static final int MAX_EXPECTATIONS = 1024;
    /** NBD exports (at most one per volume) and ENI port bridges. */
    public static final int MAX_EXPORTS = 1024;
    public static final int MAX_PORTS = 1024;
    /** Faults per scenario. */
    public static final int MAX_FAULTS = 1024;
    /** The largest latency a storage-latency fault adds. */
    public static final long MAX_FAULT_LATENCY_NS = 60_000_000_000L;
    /** Peak depth of a network or EBS peak bucket (what the cards accept). */
    public static final long MIN_PEAK_DEPTH_NS = 1_000L;
    public static final long MAX_PEAK_DEPTH_NS = 1_000_000_000L;
    /** One-way link latency between hosts. */
    public static final long MAX_LINK_LATENCY_NS = 1_000_000_000L;
    /** EBS service latency per volume type. */
    public static final long MAX_SERVICE_LATENCY_NS = 1_000_000_000L;

    private ScenarioLimits()
    {
    }
}

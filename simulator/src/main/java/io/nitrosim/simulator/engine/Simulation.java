package io.nitrosim.simulator.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.hypervisor.Host;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.card.VpcCard;
import io.nitrosim.nic.driver.EnaDriver;
import io.nitrosim.nic.card.VpcCardMeter;
import io.nitrosim.nic.shaping.EniMeter;
import io.nitrosim.simulator.analysis.DerivedFigures;
import io.nitrosim.simulator.results.AllowanceCounters;
import io.nitrosim.simulator.results.BurstFigures;
import io.nitrosim.simulator.results.Column;
import io.nitrosim.simulator.results.DirectionResult;
import io.nitrosim.simulator.results.EbsInstanceResult;
import io.nitrosim.simulator.results.EniResult;
import io.nitrosim.simulator.results.ExpectationResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.InstanceResult;
import io.nitrosim.simulator.results.RateUnit;
import io.nitrosim.simulator.results.RealTimeResult;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.SeriesKeys;
import io.nitrosim.simulator.results.SeriesKind;
import io.nitrosim.simulator.results.StreamResult;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.simulator.results.TimeSeriesRecorder;
import io.nitrosim.simulator.results.VolumeResult;
import io.nitrosim.simulator.scenario.FaultKind;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.simulator.trace.ReplayScript;
import io.nitrosim.simulator.trace.TraceRecorder;
import io.nitrosim.time.ConcurrentRuntime;
import io.nitrosim.time.PaceReport;
import io.nitrosim.time.PacedRuntime;
import io.nitrosim.time.RealTimePace;
import io.nitrosim.time.SimRuntime;
import io.nitrosim.time.SingleThreadRuntime;
import io.nitrosim.time.VirtualTimeRuntime;
import io.nitrosim.time.WallClock;

/**
 * A scenario assembled into a running host: hypervisor hosts and instances, VPC cards with each instance's
 * ENIs, EBS cards with its volumes, guest workloads, and a time-series recorder; then run in virtual or real
 * time and summarised as {@link RunResults}.
 * <p>
 * Everything is built in {@link #prepare}: a setting the cards or the hypervisor refuse is a
 * {@link ScenarioException} before anything runs.
 */
public final class Simulation implements AutoCloseable
{
    /** Called from the running thread with the simulated time reached and the recorder's latest samples. */
    @FunctionalInterface
    public interface ProgressListener
    {
        void onProgress(long simulatedNs, long durationNs, TimeSeriesRecorder recorder);
    }

    /**
     * Real-time runs with exports or ports advance in slices this long: the paced runtime parks at most this long
     * when idle, so an outside program's request is seen within about a slice.
     */
    static final long REAL_TIME_SLICE_NS = 1_000_000L;

    /** Ownership group names of a concurrent real-time run (followed by the host's or instance's name). */
    static final String VPC_CARD_GROUP = "vpc-card-";
    static final String GUEST_GROUP = "guest-";

    /** Guest memory each instance's drivers may use for queues and buffers. */
    static final long GUEST_DMA_REGION_BYTES = 1L << 30;

    private final Scenario scenario;
    private final SimRuntime runtime;
    /** The runtime of a real-time run (null in virtual time): it paces the run and measures its lag. */
    private final RealTimePace paced;
    private final CounterRegistry registry = new CounterRegistry();
    private final CardMeters meters = new CardMeters(registry);
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, InstanceHandle> instances = new LinkedHashMap<>();
    private final NetworkSide network;
    private final NetworkWorkloads networkWorkloads;
    private final StorageSide storage;
    private final ToolsSide tools;
    private final TimeSeriesRecorder recorder;
    /** The trace of a traced run (null otherwise), closed when the run ends. */
    private final TraceRecorder trace;
    private final Path traceDirectory;
    /** Fires the scenario's faults; the first agent of the runtime, so a fault due at T acts before the devices. */
    private final FaultInjector faults;
    private long wallNs;
    private boolean ran;
    private volatile boolean stopRequested;

    /** An instance as the simulation sees it. */
    record InstanceHandle(
        Scenario.Instance spec, Instance instance, NetworkSide.InstanceNetwork network, GuestSide guest)
    {
    }

    private Simulation(final Scenario scenario, final Path workDirectory, final Path traceDirectory)
    {
        this(scenario, workDirectory, traceDirectory, null);
    }

    private Simulation(final Scenario scenario, final Path workDirectory, final Path traceDirectory,
        final ReplayScript replay)
    {
        this.scenario = scenario;
        this.traceDirectory = scenario.trace().enabled() ? traceDirectory : null;
        this.runtime = runtimeFor(scenario);
        this.paced = runtime instanceof RealTimePace pace ? pace : null;
        this.faults = new FaultInjector(runtime.clock(), scenario.faults());
        runtime.add(faults, "faults");
        try
        {
            int hostIndex = 0;
            final Map<String, Integer> hostIndexes = new LinkedHashMap<>();
            for (final Scenario.Host h : scenario.hosts())
            {
                hosts.put(h.name(), new Host(new Host.Context().runtime(runtime).memoryBytes(h.memoryBytes())
                    .seed(scenario.seed() + hostIndex).counters(registry)));
                hostIndexes.put(h.name(), hostIndex++);
            }
            network = new NetworkSide(scenario, runtime, registry);
            final List<VpcCard> cards = network.cards();
            for (int i = 0; i < cards.size(); i++)
            {
                runtime.add(cards.get(i), VPC_CARD_GROUP + scenario.hosts().get(i).name());
            }
            storage = new StorageSide(scenario, runtime, registry, meters, workDirectory);
            for (final Scenario.Instance spec : scenario.instances())
            {
                // the guest's vCPUs and its PCI functions share BAR registers, queues in guest memory and MSI-X
                // delivery without a hand-off: one ownership group (the EBS card joins its own, see StoragePlumbing)
                runtime.placeIn(GUEST_GROUP + spec.name());
                final Instance instance = launch(hosts.get(spec.host()), spec);
                final NetworkSide.InstanceNetwork net =
                    network.addInstance(spec, instance, hostIndexes.get(spec.host()));
                final GuestSide guest = new GuestSide(instance, GUEST_DMA_REGION_BYTES);
                storage.addInstance(spec, instance, guest);
                instances.put(spec.name(), new InstanceHandle(spec, instance, net, guest));
            }
            runtime.placeIn(null);
            networkWorkloads = new NetworkWorkloads(scenario, instances, registry);
            storage.addWorkloads(scenario.workloads());
            tools = new ToolsSide(scenario, instances, storage, networkWorkloads, registry);
            for (final InstanceHandle h : instances.values())
            {
                if (replay == null && h.guest().hasTasks())
                {
                    h.guest().install();
                }
            }
            if (replay != null)
            {
                ReplayWiring.install(replay, instances.values(), storage, this::tracedEvents);
            }
            for (int i = 0; i < scenario.faults().size(); i++)
            {
                faults.bind(i, injection(scenario.faults().get(i), i));
            }
            recorder = buildRecorder();
            runtime.add(recorder, "recorder");
            trace = this.traceDirectory == null ? null
                : TraceWiring.wire(scenario, this.traceDirectory, runtime.clock(), instances.values(), storage, meters,
                    recorder);
        }
        catch (final Ec2Exception | IllegalArgumentException ex)
        {
            close();
            throw new ScenarioException(scenario.source() + ": " + ex.getMessage());
        }
    }

    /** The fault bound to the device it hits. */
    private FaultInjection injection(final Scenario.Fault f, final int index)
    {
        if ((f.kind() == FaultKind.FUNCTION_RESET || f.kind() == FaultKind.DMA_FAULT) && storage.hasVolume(f.target()))
        {
            return NvmeFaults.of(f, storage.nvmeFaultTarget(f.target()), meters,
                scenario.payload() == Scenario.PayloadMode.TIMING_ONLY);
        }
        if (f.kind() == FaultKind.VOLUME_DETACH)
        {
            return storage.detachFault(f);
        }
        if (f.kind().target() == FaultKind.Target.VOLUME)
        {
            return StorageFaults.of(f, storage.faultTarget(f.target()));
        }
        if (f.kind() == FaultKind.CREDITS_ZEROED && !f.bucket().startsWith("net-"))
        {
            return storage.creditFault(f);
        }
        if (f.kind().target() == FaultKind.Target.INSTANCE)
        {
            return creditFault(f, instances.get(f.target()));
        }
        for (final InstanceHandle h : instances.values())
        {
            for (final EniHandle e : h.network().enis())
            {
                if (e.name().equals(f.target()))
                {
                    final EnaDriver driver =
                        e == h.network().primary() ? networkWorkloads.driver(h.spec().name()) : null;
                    if (f.kind() == FaultKind.FABRIC_LOSS || f.kind() == FaultKind.FABRIC_CORRUPTION)
                    {
                        // one stream of draws per fault, from the scenario's seed
                        return new FabricLoss(f, e, scenario.seed() * 31 + index, driver);
                    }
                    if (f.kind() == FaultKind.FUNCTION_RESET || f.kind() == FaultKind.DMA_FAULT)
                    {
                        return EnaFaults.of(f, e, driver, h.instance().iommu());
                    }
                    return new LinkFault(f, e, driver);
                }
            }
        }
        throw new IllegalStateException("fault target " + f.target() + " was validated but is not assembled");
    }

    /** A credits-zeroed fault on the instance's network bucket in the fault's direction. */
    private CreditFault creditFault(final Scenario.Fault f, final InstanceHandle h)
    {
        final boolean out = "net-out".equals(f.bucket());
        final NetworkSide.InstanceNetwork net = h.network();
        final EniMeter bytes = out ? EniMeter.TX_BYTES : EniMeter.RX_BYTES;
        return new CreditFault(f, h.spec().name(), List.of(new CreditFault.Credits("Bytes",
            (out ? net.card().shaper().outbound() : net.card().shaper().inbound()).creditBucket())),
            List.of(new CreditFault.Rate("Gbps", "Gbps", h.spec().type().networkBaselineBytesPerSec() * 8 / 1e9, "bytes",
                () ->
                {
                    long sum = 0;
                    for (final EniHandle e : net.enis())
                    {
                        sum += meters.value(bytes, e.tags());
                    }
                    return sum;
                }, 8 / 1e9)), net.primary().function());
    }

    /**
     * Virtual time: one deterministic thread. Real time: {@code threads} workers over the ownership groups, waiting
     * when idle as {@code idle} says (docs/architecture.md, "Concurrent real time"), or one paced thread when the scenario asks for one thread or
     * records a trace (one thread writes the trace).
     */
    private static SimRuntime runtimeFor(final Scenario scenario)
    {
        if (scenario.clock() != Scenario.ClockMode.REAL)
        {
            return new VirtualTimeRuntime();
        }
        // One thread writes a trace, and the fault injector changes devices that different groups own.
        if (scenario.threads() == 1 || scenario.trace().enabled() || !scenario.faults().isEmpty())
        {
            return new PacedRuntime();
        }
        return new ConcurrentRuntime(scenario.threads(), scenario.idle());
    }

    /**
     * Builds everything the scenario describes; nothing runs yet. A scenario with a trace section records its
     * trace into {@code workDirectory/trace} ({@link #traceDirectory()}).
     */
    public static Simulation prepare(final Scenario scenario, final Path workDirectory)
    {
        return new Simulation(scenario, workDirectory, workDirectory.resolve("trace"));
    }

    /**
     * Builds everything the scenario describes, recording its trace (if the scenario has a trace section, see
     * {@link Scenario#withTrace}) into {@code traceDirectory}, which must not hold a trace yet.
     */
    public static Simulation prepare(final Scenario scenario, final Path workDirectory, final Path traceDirectory)
    {
        return new Simulation(scenario, workDirectory, traceDirectory);
    }

    /**
     * Builds a replay of a recorded trace ({@code trace replay}): the scenario's devices, cards and backends as a
     * run would have them, but no driver or workload; each instance's vCPU 0 re-issues the recorded register
     * accesses instead, with the guest memory the devices read ({@link ReplayScript}). The replay is traced like the
     * recording into {@code traceDirectory}, ready to diff against it. The scenario may differ from the recorded
     * one in its parameters, not in its instances and traced functions.
     */
    public static Simulation replay(final Scenario scenario, final Path workDirectory, final Path traceDirectory,
        final ReplayScript script)
    {
        return new Simulation(ReplayWiring.traced(scenario, script), workDirectory, traceDirectory, script);
    }

    /** Where the run's trace is (complete once {@link #run} returns); null when the run is not traced. */
    public Path traceDirectory()
    {
        return traceDirectory;
    }

    /** Events traced so far (0 when the run is not traced). */
    public long tracedEvents()
    {
        return trace == null ? 0 : trace.recordedCount();
    }

    private static Instance launch(final Host host, final Scenario.Instance spec)
    {
        final Instance instance = host.launchRunning(spec.type().type());
        return instance;
    }

    private TimeSeriesRecorder buildRecorder()
    {
        final TimeSeriesRecorder.Builder b = TimeSeriesRecorder.builder(runtime.clock(), scenario.sampleIntervalNs())
            .stopAtNs(scenario.durationNs())
            .initialCapacity((int)Math.min(1 << 20, scenario.durationNs() / scenario.sampleIntervalNs() + 2));
        for (final InstanceHandle h : instances.values())
        {
            final String name = h.spec().name();
            final NetworkSide.InstanceNetwork net = h.network();
            final InstanceType type = h.spec().type();
            final double peakGbps = type.networkPeakGbps().doubleValue();
            final double baselineGbps = type.networkBaselineGbps().doubleValue();
            b.rate(Column.of(SeriesKeys.netGbps(name, "out"), name + " net out", "Gbps", name, name, "out",
                SeriesKind.NET_THROUGHPUT).withReferenceLines(peakGbps, baselineGbps),
                meters.sum(net.eniTags(), EniMeter.TX_BYTES), RateUnit.GBPS_FROM_BYTES);
            b.rate(Column.of(SeriesKeys.netGbps(name, "in"), name + " net in", "Gbps", name, name, "in",
                SeriesKind.NET_THROUGHPUT).withReferenceLines(peakGbps, baselineGbps),
                meters.sum(net.eniTags(), EniMeter.RX_BYTES), RateUnit.GBPS_FROM_BYTES);
            b.gauge(Column.of(SeriesKeys.netCreditPct(name, "out"), name + " net-out credits", "%", name, name, "out",
                SeriesKind.NET_CREDITS), meters.percentReader(VpcCardMeter.CREDIT_BALANCE, net.creditTags("out")));
            b.gauge(Column.of(SeriesKeys.netCreditPct(name, "in"), name + " net-in credits", "%", name, name, "in",
                SeriesKind.NET_CREDITS), meters.percentReader(VpcCardMeter.CREDIT_BALANCE, net.creditTags("in")));
            for (int i = 0; i < AllowanceCounters.NAMES.size(); i++)
            {
                final String counter = AllowanceCounters.NAMES.get(i);
                b.total(Column.of(SeriesKeys.allowance(name, counter), name + " " + counter, "packets", name, name, null,
                    SeriesKind.ALLOWANCE), meters.sum(net.eniTags(), EniMeter.ENA_ENI_STATS.get(i)));
            }
            storage.addColumns(b, h.spec());
        }
        return b.build();
    }

    /**
     * Calls every agent in every pass instead of skipping idle ownership groups (see
     * {@link SingleThreadRuntime#skipIdleGroups} and {@link ConcurrentRuntime#skipIdleGroups}): slower, and by
     * design the same results. For checking that.
     */
    public void callEveryAgentEveryPass()
    {
        if (runtime instanceof SingleThreadRuntime single)
        {
            single.skipIdleGroups(false);
        }
        else if (runtime instanceof ConcurrentRuntime concurrent)
        {
            concurrent.skipIdleGroups(false);
        }
    }

    /** The runtime that drives the agents (for tests of how it ran). */
    SimRuntime runtime()
    {
        return runtime;
    }

    /** Runs the scenario to its end. */
    public RunResults run(final ProgressListener listener)
    {
        if (ran)
        {
            throw new IllegalStateException("a simulation runs once");
        }
        ran = true;
        final long durationNs = scenario.durationNs();
        final long stepNs = scenario.clock() == Scenario.ClockMode.REAL ? Math.min(100_000_000L, durationNs) :
            Math.max(scenario.sampleIntervalNs(), durationNs / 200);
        // outside programs' requests and a storage server's completions arrive on other threads: with either, the
        // paced runtime parks at most a slice at a time, so they are taken within about a slice
        final long sliceNs = tools.doors().isEmpty() && !scenario.remoteStorage() ? stepNs : REAL_TIME_SLICE_NS;
        final long startWall = WallClock.nanoTime();
        long nowNs = 0;
        while (nowNs < durationNs)
        {
            final long targetNs = Math.min(durationNs, nowNs + stepNs);
            // a paced runtime returns when the wall clock gets there (or later)
            for (long reachedNs = nowNs; reachedNs < targetNs && !stopRequested; )
            {
                reachedNs = Math.min(targetNs, reachedNs + sliceNs);
                runtime.runUntil(reachedNs);
            }
            nowNs = targetNs;
            if (stopRequested)
            {
                break;
            }
            if (listener != null)
            {
                listener.onProgress(nowNs, durationNs, recorder);
            }
        }
        recorder.recordFinalSample();
        if (trace != null)
        {
            trace.close();
        }
        wallNs = WallClock.nanoTime() - startWall;
        return results();
    }

    /** Asks a running simulation to stop at its next step (e.g. on Ctrl-C in serve mode). */
    public void requestStop()
    {
        stopRequested = true;
    }

    /** The latest sample of every series (safe from another thread: a copy of plain doubles). */
    public Map<String, Double> latestSamples()
    {
        final Map<String, Double> latest = new LinkedHashMap<>();
        for (int i = 0; i < recorder.columns().size(); i++)
        {
            latest.put(recorder.columns().get(i).key(), recorder.latest(i));
        }
        return latest;
    }

    /**
     * How far a real-time run is behind the wall clock at its latest time jump, in ns (0 when on time or ahead,
     * and always in virtual time). For the running thread (the progress listener).
     */
    public long lagNs()
    {
        return paced == null ? 0 : paced.lagNs();
    }

    /** Both ends of every iperf stream (tests). */
    List<io.nitrosim.nic.guest.GuestIperf.Stream> iperfStreams()
    {
        return networkWorkloads.streams();
    }

    /** Simulated time reached, in ns. */
    public long simulatedNs()
    {
        return runtime.clock().nanoTime();
    }

    /** Every fio clone of the volume's workload together (tests: errors and blocks verified are not in the results). */
    io.nitrosim.ebs.fio.FioResult fioTotal(final String volume)
    {
        return storage.fioOn(volume).total();
    }

    public TimeSeries timeSeries()
    {
        return recorder.snapshot();
    }

    public CounterRegistry counters()
    {
        return registry;
    }

    /** The EC2 instance id of the scenario's instance {@code name} (the tag of its meters). */
    public String instanceId(final String name)
    {
        return instances.get(name).instance().id();
    }

    /** The EBS volume id of the scenario's volume {@code name} (the tag of its meters, an alias of its export). */
    public String volumeId(final String name)
    {
        return storage.exportTarget(name).volume().volumeId().toString();
    }

    /** Where the NBD export of {@code volume} listens (docs/tools.md). */
    public java.net.InetSocketAddress exportAddress(final String volume)
    {
        return tools.exportAddress(volume);
    }

    /** Where the scenario's port mapping number {@code index} listens (its port, when 0 was asked for). */
    public java.net.InetSocketAddress portAddress(final int index)
    {
        return tools.portAddress(index);
    }

    /** One line per export and port: what outside programs connect to. */
    public List<String> doors()
    {
        return tools.doors();
    }

    public Scenario scenario()
    {
        return scenario;
    }

    private RunResults results()
    {
        final TimeSeries series = recorder.snapshot();
        final long nowNs = runtime.clock().nanoTime();
        final long endNs = Math.min(scenario.durationNs(), nowNs); // earlier when a serve run was stopped
        final List<InstanceResult> instanceResults = new ArrayList<>();
        for (final InstanceHandle h : instances.values())
        {
            final String name = h.spec().name();
            final InstanceType type = h.spec().type();
            final double peak = type.networkPeakGbps().doubleValue();
            final double baseline = type.networkBaselineGbps().doubleValue();
            long txFrames = 0;
            long txBytes = 0;
            long rxFrames = 0;
            long rxBytes = 0;
            final List<EniResult> enis = new ArrayList<>();
            for (final EniHandle e : h.network().enis())
            {
                final MetricTags tags = e.tags();
                txFrames += meters.value(EniMeter.TX_FRAMES, tags);
                txBytes += meters.value(EniMeter.TX_BYTES, tags);
                rxFrames += meters.value(EniMeter.RX_FRAMES, tags);
                rxBytes += meters.value(EniMeter.RX_BYTES, tags);
                enis.add(new EniResult(e.name(), e.eni().id(), e.eni().macAddress(),
                    e.eni().privateIpAddresses().get(0), meters.value(EniMeter.RX_BYTES, tags),
                    meters.value(EniMeter.TX_BYTES, tags), allowanceOf(tags)));
            }
            final DirectionResult in = new DirectionResult(gbps(rxBytes, endNs), peak, baseline,
                meters.percent(VpcCardMeter.CREDIT_BALANCE, h.network().creditTags("in")), rxFrames, rxBytes);
            final DirectionResult out = new DirectionResult(gbps(txBytes, endNs), peak, baseline,
                meters.percent(VpcCardMeter.CREDIT_BALANCE, h.network().creditTags("out")), txFrames, txBytes);
            final Map<String, Long> allowance = new LinkedHashMap<>();
            for (final String counter : AllowanceCounters.NAMES)
            {
                long total = 0;
                for (final EniResult e : enis)
                {
                    total += e.allowance().get(counter);
                }
                allowance.put(counter, total);
            }
            final EbsInstanceResult ebs = storage.instanceResult(h.spec(), endNs);
            instanceResults.add(new InstanceResult(name, h.instance().id(), type.type(), h.spec().host(), in, out, ebs,
                allowance, enis));
        }
        final List<VolumeResult> volumes = storage.volumeResults(endNs);
        final List<StreamResult> streams = networkWorkloads.streamResults();
        final List<FioJobResult> jobs = storage.fioResults();
        final RealTimeResult realTime = paced == null ? null : realTimeResult(paced.pace());
        final List<ExpectationResult> expectations = new ExpectationEvaluator(series, instanceResults, volumes, streams,
            jobs, realTime).evaluate(scenario.expectations());
        final List<BurstFigures> derived = DerivedFigures.of(series, instanceResults, volumes, endNs / 1e9);
        return new RunResults(scenario.name(), scenario.seed(), scenario.clock().name().toLowerCase(Locale.ROOT),
            scenario.payload() == Scenario.PayloadMode.FULL ? "full" : "timing-only", endNs / 1e9, wallNs / 1e9,
            realTime, instanceResults, volumes, streams, jobs, expectations, derived, faults.results());
    }

    private RealTimeResult realTimeResult(final PaceReport pace)
    {
        final double wallNs = Math.max(1, pace.wallNs());
        final List<RealTimeResult.AgentBusy> busiest = new ArrayList<>();
        pace.agents().stream()
            .filter(a -> a.busyNs() > 0)
            .sorted(Comparator.comparingLong(PaceReport.AgentLoad::busyNs).reversed()) // stable: ties keep their order
            .limit(RealTimeResult.BUSIEST_SHOWN)
            .forEach(a -> busiest.add(new RealTimeResult.AgentBusy(agentName(a.roleName()),
                Math.min(100.0, 100.0 * a.busyNs() / wallNs))));
        final long allowedNs = scenario.allowedLagNs();
        final boolean unlimited = allowedNs == Scenario.UNLIMITED_LAG;
        return new RealTimeResult(pace.maxLagNs() / 1e6, pace.behindNs() / 1e9, pace.realTimeFactor(),
            unlimited ? null : allowedNs / 1e6, unlimited || pace.maxLagNs() <= allowedNs,
            Math.max(0.0, Math.min(100.0, 100.0 * (wallNs - pace.parkedNs()) / wallNs)), busiest);
    }

    /** An agent's role name with the scenario's name of the instance it belongs to ("vcpu-i-0abc-0 (web-1)"). */
    private String agentName(final String roleName)
    {
        for (final InstanceHandle h : instances.values())
        {
            if (roleName.contains(h.instance().id()))
            {
                return roleName + " (" + h.spec().name() + ")";
            }
        }
        return roleName;
    }

    /** The ENI's five ENA allowance counters, read from the registry in ENA's order. */
    private Map<String, Long> allowanceOf(final MetricTags eni)
    {
        final List<EniMeter> stats = EniMeter.ENA_ENI_STATS;
        return AllowanceCounters.of(meters.value(stats.get(0), eni), meters.value(stats.get(1), eni),
            meters.value(stats.get(2), eni), meters.value(stats.get(3), eni), meters.value(stats.get(4), eni));
    }

    static double gbps(final long bytes, final long durationNs)
    {
        return durationNs <= 0 ? 0 : bytes * 8.0 / durationNs;
    }

    @Override
    public void close()
    {
        if (tools != null)
        {
            tools.close();
        }
        if (trace != null)
        {
            trace.close();
        }
        if (runtime != null)
        {
            runtime.close();
        }
        if (storage != null)
        {
            storage.close();
        }
        for (final Host host : hosts.values())
        {
            host.close();
        }
        registry.close();
    }
}

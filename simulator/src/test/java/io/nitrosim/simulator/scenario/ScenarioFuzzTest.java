package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.nitrosim.simulator.engine.Simulation;
import io.nitrosim.simulator.results.RunResults;

/**
 * Fuzzes the scenario loader and validator (issue 14): every input is either refused with a one-line
 * {@link ScenarioException} or accepted, and every accepted scenario runs to its end (or fails an expectation)
 * without any other exception. Runs are bounded: the harness caps the simulated duration at
 * {@link #MAX_RUN_NS} (dropping what would start or be measured after it).
 * <p>
 * The inputs in {@code src/test/resources/.../ScenarioFuzzTestInputs/shouldRefuseOrRunEveryScenario} (YAML
 * files, raw bytes) run in every build; with the environment variable {@code JAZZER_FUZZ=1} Jazzer mutates them
 * for {@code maxDuration} and adds any input that breaks the invariant to that directory.
 */
class ScenarioFuzzTest
{
    static final long MAX_RUN_NS = 200_000_000L;

    @FuzzTest(maxDuration = "5m")
    @DictionaryEntries({"name: ", "duration: ", "sampleInterval: ", "instances:\\x0A", "workloads:\\x0A",
        "expectations:\\x0A", "hosts:\\x0A", "vpcs:\\x0A", "securityGroups:\\x0A", "peerings:\\x0A",
        "overrides:\\x0A", "  - ", "{name: a, type: c5.large}", "kind: iperf", "kind: fio", "from: a", "to: b",
        "streams: ", "rateGbps: ", "protocol: tcp", "window: ", "volumes: [{name: v, sizeGiB: 10}]", "volume: v",
        "rw: randwrite", "bs: ", "iodepth: ", "numjobs: ", "size: ", "verify: true", "payload: full", "clock: real",
        "metric: net-out-gbps", "instance: a", "min: ", "max: ", "count: ", "memoryGiB: ", "cidr: 10.0.0.0/16",
        "subnets: [{name: s, cidr: 10.0.1.0/28}]", "subnet: s", "ingress: [{protocol: udp, ports: '5201', from: "
        + "0.0.0.0/0}]", "egress: []", "conntrackAllowance: ", "peakDepth: ", "shapingQuantum: ", "linkLatency: ",
        "1ms", "50ms", "100ms", "1h", "0", "-1", "1e9", "null"})
    void shouldRefuseOrRunEveryScenario(final byte[] input) throws IOException
    {
        final Scenario scenario;
        try
        {
            scenario = ScenarioLoader.parse("fuzz.yaml", new ByteArrayInputStream(input), false);
        }
        catch (final ScenarioException refused)
        {
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
            assertTrue(refused.getMessage().startsWith("fuzz.yaml"), refused.getMessage());
            assertTrue(refused.getMessage().length() <= MessageText.MAX_MESSAGE_CHARS + 40, refused.getMessage());
            return;
        }
        run(capped(scenario));
    }

    /** Runs a scenario to its end; anything but a pass or a failed expectation breaks the invariant. */
    static RunResults run(final Scenario scenario) throws IOException
    {
        final Path work = Files.createTempDirectory("nitro-sim-fuzz");
        try (Simulation simulation = Simulation.prepare(scenario, work))
        {
            final RunResults results = simulation.run(null);
            assertTrue(results.simulatedSeconds() * 1e9 >= scenario.durationNs() - 1, "ran to its end");
            return results;
        }
        catch (final ScenarioException lateRefusal)
        {
            return fail("accepted by the validator but refused while assembling (no line and column): "
                + lateRefusal.getMessage());
        }
        finally
        {
            try (Stream<Path> paths = Files.walk(work))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The scenario cut to {@link #MAX_RUN_NS}: what starts or is measured later is left out. */
    static Scenario capped(final Scenario s)
    {
        if (s.durationNs() <= MAX_RUN_NS)
        {
            return s;
        }
        final long endNs = MAX_RUN_NS;
        final List<Scenario.Workload> workloads = new ArrayList<>();
        for (final Scenario.Workload w : s.workloads())
        {
            if (w.startNs() < endNs)
            {
                workloads.add(w);
            }
        }
        final Set<String> kept = workloads.stream().map(Scenario.Workload::name).collect(Collectors.toSet());
        final List<Scenario.Expectation> expectations = new ArrayList<>();
        for (final Scenario.Expectation e : s.expectations())
        {
            final boolean subjectKept = e.metric().subjectKind() != ExpectationMetric.SubjectKind.WORKLOAD
                || kept.contains(e.subject());
            if (subjectKept && e.toNs() <= endNs)
            {
                expectations.add(e);
            }
        }
        return new Scenario(s.source(), s.name(), s.description(), s.seed(), endNs, s.clock(), s.allowedLagNs(), s.threads(), s.idle(), s.payload(),
            Math.min(s.sampleIntervalNs(), endNs), s.network(), s.ebs(), s.hosts(), s.vpcs(), s.peerings(),
            s.securityGroups(), s.instances(), List.copyOf(workloads), List.copyOf(expectations),
            List.of(), List.of(), s.trace(), null, // no exports, ports or storage server: a fuzzed input would bind
                                                    // or reach whatever port it names
            s.faults().stream().filter(f -> f.endNs() <= endNs).collect(Collectors.toList()));
    }
}

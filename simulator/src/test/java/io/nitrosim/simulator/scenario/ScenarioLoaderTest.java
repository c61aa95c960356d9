package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.time.WorkerIdle;

class ScenarioLoaderTest
{
    private static final String MINIMAL = "name: t\nduration: 10s\ninstances:\n  - name: a\n    type: c5.large\n";

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static Scenario json(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.json", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), true);
    }

    private static void assertError(final String expected, final String yaml)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> yaml(yaml));
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void shouldLoadTheExampleScenario()
    {
        final Scenario s = ScenarioLoader.load(Path.of("..", "examples", "burst-and-baseline.yaml"));
        assertEquals("burst-and-baseline", s.name());
        assertEquals(7, s.seed());
        assertEquals(240_000_000_000L, s.durationNs());
        assertEquals(Scenario.ClockMode.VIRTUAL, s.clock());
        assertEquals(2, s.instances().size());
        assertEquals(60, s.instances().get(0).type().networkBurstSeconds());
        assertEquals(120, s.instances().get(0).type().ebsBurstSeconds());
        assertEquals(2, s.instances().get(1).volumes().size());
        assertEquals("/dev/sdg", s.instances().get(1).volumes().get(1).device());
        assertEquals(3, s.workloads().size());
        final Scenario.IperfWorkload bulk = (Scenario.IperfWorkload)s.workloads().get(0);
        assertEquals(10, bulk.streams());
        assertEquals(9001, bulk.frameBytes());
        final Scenario.FioWorkload fio = (Scenario.FioWorkload)s.workloads().get(1);
        assertEquals(262_144, fio.blockSizeBytes());
        assertEquals(32, fio.iodepth());
        assertEquals("db-1", fio.instance());
        assertEquals(4, s.expectations().size());
        assertEquals("net-out-gbps instance web-1 over 5s-55s between 9.9 and 10.01", s.expectations().get(0).describe());
        assertEquals(625_000_000L, s.network().flowLimitBytesPerSec());
    }

    @Test
    void shouldLoadJsonWithTheSameSchema() throws Exception
    {
        final Scenario s = json("{\"name\":\"t\",\"duration\":\"1m\",\"instances\":[{\"name\":\"a\",\"type\":\"c5.xlarge\"}]}");
        assertEquals(60_000_000_000L, s.durationNs());
        assertEquals("c5.xlarge", s.instances().get(0).type().type());
        assertEquals("host-1", s.instances().get(0).host());
        assertEquals("subnet-1", s.instances().get(0).subnet());
    }

    @Test
    void shouldReportUnknownFieldsWithLineAndColumn()
    {
        assertError("s.yaml:4:3: instances[0].typo: unknown field 'typo'; accepted: count, enis, host, name, "
            + "securityGroups, subnet, type, volumes", "name: t\nduration: 10s\ninstances:\n  - typo: 1\n".replace(
                "  - typo", "- typo"));
    }

    @Test
    void shouldReportWrongTypesWithLineAndColumn()
    {
        assertError("s.yaml:6:12: instances[0].count: 'many' is not a whole number",
            MINIMAL + "    count: many\n");
    }

    @Test
    void shouldReportSyntaxErrorsWithLineAndColumn()
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> json("{\"name\": \"t\",, }"));
        assertEquals("s.json:1:14: syntax error: Unexpected character (',' (code 44)): was expecting double-quote "
            + "to start field name", ex.getMessage());
    }

    @Test
    void shouldRefuseUnknownInstanceTypesListingValidOnes()
    {
        assertError("s.yaml:5:5: instances[0].type: unknown instance type 'c5.huge'; valid types: c5.large, c5.xlarge, "
            + "c5.2xlarge, c5.4xlarge, c5.9xlarge, c5.18xlarge", MINIMAL.replace("c5.large", "c5.huge"));
    }

    @Test
    void shouldRefuseNegativeDurations()
    {
        assertError("s.yaml:2:1: duration: '-10s' is not a duration like 90s, 7m, 1h30m, 250ms, 25us or 0 "
            + "(negative durations are not accepted)", MINIMAL.replace("10s", "-10s"));
    }

    @Test
    void shouldRefuseMoreAttachmentsThanTheLimit()
    {
        final StringBuilder yaml = new StringBuilder(MINIMAL.replace("c5.large", "c5.18xlarge")).append("    volumes:\n");
        for (int i = 0; i < 28; i++)
        {
            yaml.append("      - {name: v").append(i).append(", sizeGiB: 10, device: /dev/xvd")
                .append((char)('b' + i / 26)).append((char)('a' + i % 26)).append("}\n");
        }
        assertError("s.yaml:4:5: instances[0]: 29 attachments (primary ENI + 0 ENIs + 28 volumes) exceed the limit of 28: "
            + ScenarioValidator.ATTACHMENT_LIMIT_MESSAGE, yaml.toString());
    }

    @Test
    void shouldNameTwentySevenVolumesWithoutDeviceNamesAsEc2Continues() throws Exception
    {
        final StringBuilder yaml = new StringBuilder(MINIMAL.replace("c5.large", "c5.18xlarge")).append("    volumes:\n");
        for (int i = 0; i < 27; i++)
        {
            yaml.append("      - {name: v").append(i).append(", sizeGiB: 10").append(i == 1 ? ", device: /dev/sdf" : "")
                .append("}\n");
        }
        final List<Scenario.Volume> volumes = yaml(yaml.toString()).instances().get(0).volumes();
        assertEquals(27, volumes.size());
        assertEquals("/dev/sdg", volumes.get(0).device()); // /dev/sdf is taken by v1 explicitly
        assertEquals("/dev/sdf", volumes.get(1).device());
        assertEquals("/dev/sdz", volumes.get(20).device());
        assertEquals("/dev/sdaa", volumes.get(21).device());
        assertEquals("/dev/sdaf", volumes.get(26).device());
    }

    @Test
    void shouldRefuseImpossibleVolumesWithTheirPlaceInTheFile()
    {
        assertError("s.yaml:7:9: instances[0].volumes[0]: gp3 IOPS 20000 is out of range for a 100 GiB volume: "
            + "accepted 3000..16000 (at most 500 IOPS per GiB, 16000 max)",
            MINIMAL + "    volumes:\n      - {name: v, type: gp3, sizeGiB: 100, iops: 20000}\n");
        assertError("s.yaml:7:9: instances[0].volumes[0]: st1 volume size 100 GiB is out of range: accepted "
            + "125..16384 GiB", MINIMAL + "    volumes:\n      - {name: v, type: st1, sizeGiB: 100}\n");
        assertError("s.yaml:7:9: instances[0].volumes[0]: io1 IOPS 6000 is out of range for a 100 GiB volume: "
            + "accepted 100..5000 (at most 50 IOPS per GiB, 64000 max)",
            MINIMAL + "    volumes:\n      - {name: v, type: io1, sizeGiB: 100, iops: 6000}\n");
    }

    @Test
    void shouldRefuseMoreEnisThanTheTypeAllows()
    {
        assertError("s.yaml:6:5: instances[0].enis: 4 network interfaces (primary + 3) exceed c5.large's limit of 3",
            MINIMAL + "    enis: [{name: e1}, {name: e2}, {name: e3}]\n");
    }

    @Test
    void shouldRefuseReferencesToUnknownNames()
    {
        assertError("s.yaml:7:26: workloads[0].volume: unknown volume 'nope' (none is defined)",
            MINIMAL + "workloads:\n  - {name: w, kind: fio, volume: nope, rw: write}\n");
        assertError("s.yaml:7:28: expectations[0].instance: unknown instance 'b'; defined: a",
            MINIMAL + "expectations:\n  - {metric: net-out-gbps, instance: b, min: 1}\n");
    }

    @Test
    void shouldRefuseUnknownMetrics()
    {
        final ScenarioException ex = assertThrows(ScenarioException.class,
            () -> yaml(MINIMAL + "expectations:\n  - {metric: speed, instance: a, min: 1}\n"));
        assertEquals("s.yaml:7:6: expectations[0].metric: 'speed' is not accepted; accepted: "
            + String.join(", ", ExpectationMetric.keys()), ex.getMessage());
    }

    @Test
    void shouldLabelAnExpectationWindowWithBothEndsInOneUnit() throws Exception
    {
        final Scenario s = yaml(MINIMAL.replace("10s", "10m")
            + "expectations:\n  - {metric: net-out-gbps, instance: a, from: 430s, to: 480s, min: 0.7}\n"
            + "  - {metric: net-out-gbps, instance: a, from: 1m, to: 150s, max: 1}\n"
            + "  - {metric: net-out-gbps, instance: a, from: 2m, to: 8m, max: 1}\n");
        assertEquals("net-out-gbps instance a over 430s-480s at least 0.7", s.expectations().get(0).describe());
        assertEquals("net-out-gbps instance a over 60s-150s at most 1.0", s.expectations().get(1).describe());
        assertEquals("net-out-gbps instance a over 2m-8m at most 1.0", s.expectations().get(2).describe());
    }

    @Test
    void shouldRefuseFieldsThatDoNotApplyToTheWorkloadKind()
    {
        assertError("s.yaml:8:48: workloads[0].streams: does not apply to fio", MINIMAL
            + "    volumes: [{name: v, sizeGiB: 10}]\nworkloads:\n  - {name: w, kind: fio, volume: v, rw: write, streams: 2}\n");
    }

    @Test
    void shouldRefuseOverlappingSubnetsAndHostBits()
    {
        assertError("s.yaml:9:57: vpcs[0].subnets[1].cidr: 10.0.1.0/25 overlaps subnet s1 (10.0.1.0/24)", MINIMAL
            + "vpcs:\n  - name: v\n    cidr: 10.0.0.0/16\n    subnets: [{name: s1, cidr: 10.0.1.0/24}, {name: s2, cidr: 10.0.1.0/25}]\n");
        assertError("s.yaml:8:5: vpcs[0].cidr: invalid CIDR \"10.0.0.1/16\": host bits are set, did you mean "
            + "10.0.0.0/16?", MINIMAL
            + "vpcs:\n  - name: v\n    cidr: 10.0.0.1/16\n    subnets: [{name: s1, cidr: 10.0.1.0/24}]\n");
    }

    @Test
    void shouldRefuseAnExpectationWindowBeyondTheScenario()
    {
        assertError("s.yaml:7:51: expectations[0].to: 20s is after the end of the scenario (10s)",
            MINIMAL + "expectations:\n  - {metric: net-out-gbps, instance: a, from: 0s, to: 20s, min: 1}\n");
    }

    @Test
    void shouldReadHowFarARealTimeRunMayFallBehind() throws Exception
    {
        assertEquals(100_000_000L, yaml(MINIMAL).allowedLagNs(), "default: 1 % of the 10 s duration");
        assertEquals(250_000_000L, yaml(MINIMAL + "allowedLag: 250ms\n").allowedLagNs());
        assertEquals(500_000_000L, yaml(MINIMAL + "allowedLag: 5%\n").allowedLagNs());
        assertEquals(25_000_000L, yaml(MINIMAL + "allowedLag: 0.25%\n").allowedLagNs());
        assertEquals(10_000_000_000L, yaml(MINIMAL + "allowedLag: 100%\n").allowedLagNs());
        assertEquals(Scenario.UNLIMITED_LAG, yaml(MINIMAL + "allowedLag: unlimited\n").allowedLagNs());
        final String accepted = "accepted: a duration (250ms, 2s), a percentage of the duration in (0, 100] (5%) "
            + "or unlimited";
        assertError("s.yaml:6:1: allowedLag: '0%' is not accepted; " + accepted, MINIMAL + "allowedLag: 0%\n");
        assertError("s.yaml:6:1: allowedLag: '150%' is not accepted; " + accepted, MINIMAL + "allowedLag: 150%\n");
        assertError("s.yaml:6:1: allowedLag: 'lots%' is not accepted; " + accepted, MINIMAL + "allowedLag: lots%\n");
        assertError("s.yaml:6:1: allowedLag: '0' is not accepted; " + accepted, MINIMAL + "allowedLag: 0\n");
        assertError("s.yaml:6:1: allowedLag: 'forever' is not accepted; " + accepted,
            MINIMAL + "allowedLag: forever\n");
        assertEquals(yaml(MINIMAL + "clock: real\nallowedLag: 5%\n"),
            yaml(MINIMAL + "allowedLag: 5%\n").withClock(Scenario.ClockMode.REAL));
    }

    @Test
    void shouldReadHowManyThreadsARealTimeRunMayUse() throws Exception
    {
        assertEquals(1, yaml(MINIMAL).threads(), "default: one paced thread");
        assertEquals(1, yaml(MINIMAL + "clock: real\nthreads: 1\n").threads());
        assertEquals(8, yaml(MINIMAL + "threads: 8\n").threads(), "kept, and ignored, by a virtual run");
        assertError("s.yaml:6:1: threads: 0 is out of range, accepted 1..256", MINIMAL + "threads: 0\n");
        assertError("s.yaml:6:1: threads: 1000 is out of range, accepted 1..256", MINIMAL + "threads: 1000\n");
    }

    @Test
    void shouldReadHowTheWorkersOfARealTimeRunWaitWhenIdle() throws Exception
    {
        assertEquals(WorkerIdle.ADAPTIVE, yaml(MINIMAL).idle(), "default: park when idle");
        assertEquals(WorkerIdle.ADAPTIVE, yaml(MINIMAL + "clock: real\nthreads: 2\nidle: adaptive\n").idle());
        assertEquals(WorkerIdle.SPIN, yaml(MINIMAL + "clock: real\nthreads: 2\nidle: spin\n").idle());
        assertEquals(WorkerIdle.SPIN, yaml(MINIMAL + "idle: spin\n").idle(), "kept, and ignored, by a virtual run");
        assertError("s.yaml:6:1: idle: 'busy' is not accepted; accepted: adaptive, spin", MINIMAL + "idle: busy\n");
        assertError("s.yaml:6:1: idle: 'SPIN' is not accepted; accepted: adaptive, spin", MINIMAL + "idle: SPIN\n");
        assertError("s.yaml:6:1: idle: '' is not accepted; accepted: adaptive, spin", MINIMAL + "idle: ''\n");
    }

    @Test
    void shouldGateTheLagOfRealTimeRunsOnly() throws Exception
    {
        final Scenario s = yaml(MINIMAL + "clock: real\nexpectations:\n  - {metric: max-lag-ms, max: 50}\n");
        assertEquals(ExpectationMetric.MAX_LAG_MS, s.expectations().get(0).metric());
        assertEquals("max-lag-ms", s.expectations().get(0).name());
        assertEquals("max-lag-ms at most 50.0", s.expectations().get(0).describe());
        assertError("s.yaml:7:6: expectations[0].metric: max-lag-ms gates real-time runs only; set clock: real",
            MINIMAL + "expectations:\n  - {metric: max-lag-ms, max: 50}\n");
        assertError("s.yaml:8:26: expectations[0].instance: does not apply to max-lag-ms",
            MINIMAL + "clock: real\nexpectations:\n  - {metric: max-lag-ms, instance: a, max: 50}\n");
    }

    @Test
    void shouldBuildTheSameScenarioInJava()
    {
        final Scenario s = ScenarioBuilder.named("b").duration("10m")
            .instance("web-1", "c5.large")
            .instance("db-1", "c5.large")
            .volume("db-1", "data-1", "gp3", 500, 16000, 1000)
            .iperf("bulk", "web-1", "db-1", 10)
            .fio("writes", "data-1", "write", "256k", 32)
            .expectBetween("net-out-gbps", "web-1", "0s", "7m", 9.9, 10.0)
            .build();
        assertEquals(2, s.instances().size());
        assertEquals(16000, s.instances().get(1).volumes().get(0).iops());
        assertEquals(2, s.workloads().size());
        assertEquals(420_000_000_000L, s.expectations().get(0).toNs());

        final ScenarioException ex = assertThrows(ScenarioException.class,
            () -> ScenarioBuilder.named("b").duration("10m").instance("a", "m5.large").build());
        assertEquals("scenario 'b' (builder): instances[0].type: unknown instance type 'm5.large'; valid types: "
            + "c5.large, c5.xlarge, c5.2xlarge, c5.4xlarge, c5.9xlarge, c5.18xlarge", ex.getMessage());
    }
}

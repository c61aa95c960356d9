package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of input a careless or hostile user gives gets one line naming the place and what is accepted
 * (issue 14, "Scenario files and the CLI"), and nothing the run would refuse or crash on is accepted.
 */
class ScenarioRefusalsTest
{
    private static final String TWO = "name: t\nduration: 4s\ninstances:\n  - {name: a, type: c5.large}\n"
        + "  - {name: b, type: c5.large}\n";
    private static final String VOLUME = "name: t\nduration: 4s\ninstances:\n"
        + "  - {name: a, type: c5.large, volumes: [{name: v, sizeGiB: 10}]}\n";

    @TempDir
    Path dir;

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static String refusal(final String yaml)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> yaml(yaml));
        assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
        return ex.getMessage();
    }

    private static void assertRefused(final String expected, final String yaml)
    {
        assertEquals(expected, refusal(yaml));
    }

    @Test
    void shouldRefuseEmptyListEntriesWithTheirPlace()
    {
        assertRefused("s.yaml:4:4: instances[0]: empty list entry; expected an instance {name, type, ...}",
            "name: t\nduration: 4s\ninstances:\n  -\n");
        assertRefused("s.yaml:7:4: workloads[0]: empty list entry; expected a workload {name, kind, ...}",
            TWO + "workloads:\n  -\n");
        assertRefused("s.yaml:7:4: expectations[0]: empty list entry; expected an expectation "
            + "{metric, instance, min, max, ...}", TWO + "expectations:\n  -\n");
        assertRefused("s.yaml:4:65: instances[0].volumes[1]: empty list entry; expected a volume "
            + "{name, type, sizeGiB, ...}", VOLUME.replace("sizeGiB: 10}]", "sizeGiB: 10}, null]"));
        assertRefused("s.yaml:3:9: hosts[0]: empty list entry; expected a host {name, memoryGiB}",
            TWO.replace("instances:", "hosts: [null]\ninstances:"));
    }

    @Test
    void shouldAcceptUnlimitedUdpTheSendingCardDrops() throws Exception
    {
        // The card drops such frames at its egress pipeline's line rate (Ec2FidelityTest runs them).
        final String flows = TWO.replace("duration: 4s", "duration: 4s\noverrides:\n  network: {conntrackAllowance: 1}")
            + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, streams: 2}\n";
        assertEquals(1, yaml(flows).network().conntrackAllowance());
        assertEquals(0, ((Scenario.IperfWorkload)yaml("name: t\nduration: 4s\nsecurityGroups:\n  - name: g\n"
            + "    ingress: [{protocol: all, from: 0.0.0.0/0}]\n    egress: [{protocol: tcp, to: 0.0.0.0/0}]\n"
            + "instances:\n  - {name: a, type: c5.large, securityGroups: [g]}\n"
            + "  - {name: b, type: c5.large, securityGroups: [g]}\nworkloads:\n"
            + "  - {name: w, kind: iperf, from: a, to: b}\n").workloads().get(0)).rateBytesPerSec());
    }

    @Test
    void shouldBoundDurationsAndRefuseOverflow()
    {
        assertRefused("s.yaml:2:1: duration: '25h' is too long, accepted at most 1440m", TWO.replace("4s", "25h"));
        assertRefused("s.yaml:2:1: duration: '1000000h1000000h1000000h1000000h1000000h1000000h' is too long, "
            + "accepted at most 1440m", TWO.replace("4s", "1000000h1000000h1000000h1000000h1000000h1000000h"));
        assertRefused("s.yaml:2:1: duration: '99999999999999999999999s' is too long, accepted at most 1440m",
            TWO.replace("4s", "99999999999999999999999s"));
    }

    @Test
    void shouldBoundTheSampleIntervalByTheDuration()
    {
        assertRefused("s.yaml:3:1: sampleInterval: '1ns' gives 4000000000 samples per series, accepted at most "
            + "100000: at least 40us for a duration of 4s", TWO.replace("4s", "4s\nsampleInterval: 1ns"));
        assertRefused("s.yaml:3:1: sampleInterval: '1us' gives 4000000 samples per series, accepted at most "
            + "100000: at least 40us for a duration of 4s", TWO.replace("4s", "4s\nsampleInterval: 1us"));
    }

    @Test
    void shouldBoundHostsInstancesAndStreams()
    {
        final StringBuilder hosts = new StringBuilder("name: t\nduration: 4s\nhosts:\n");
        for (int i = 0; i < 65; i++)
        {
            hosts.append("  - {name: h").append(i).append("}\n");
        }
        assertRefused("s.yaml:3:1: hosts: 65 entries, accepted at most 64",
            hosts + "instances:\n  - {name: a, type: c5.large}\n");
        final StringBuilder many = new StringBuilder("name: t\nduration: 4s\nhosts:\n");
        for (int i = 0; i < 64; i++)
        {
            many.append("  - {name: h").append(i).append(", memoryGiB: 4096}\n");
        }
        many.append("vpcs: [{name: v, cidr: 10.0.0.0/16, subnets: [{name: s, cidr: 10.0.0.0/16}]}]\ninstances:\n");
        for (int i = 0; i < 29; i++)
        {
            many.append("  - {name: i").append(i).append(", type: c5.large, count: 36, host: h").append(i).append("}\n");
        }
        assertRefused("s.yaml:98:33: instances[28].count: brings the scenario to 1044 instances, accepted at most 1024",
            many.toString());
        assertRefused("s.yaml:7:44: workloads[0].streams: 129 is out of range, accepted 1..128",
            TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, streams: 129}\n");
        final StringBuilder streams = new StringBuilder(TWO + "workloads:\n");
        for (int i = 0; i < 33; i++)
        {
            streams.append("  - {name: w").append(i).append(", kind: iperf, from: a, to: b, streams: 128, "
                + "rateGbps: 1}\n");
        }
        assertRefused("s.yaml:39:46: workloads[32].streams: brings the scenario to 4224 streams, accepted at most 4096",
            streams.toString());
    }

    @Test
    void shouldRefuseARunThatWouldNotFitTheHeapWithTheFigure() throws Exception
    {
        final ScenarioSpec spec = ScenarioLoader.mapper(false).readValue(
            TWO.replace("4s", "24h\nsampleInterval: 1s"), ScenarioSpec.class);
        final ScenarioException ex = assertThrows(ScenarioException.class,
            () -> ScenarioValidator.validate("s.yaml", spec, LocationIndex.NONE, 64L << 20, 1L << 30));
        assertEquals("s.yaml: sampleInterval: the run would need about 101 MiB of heap, more than this JVM's 64 MiB "
            + "(-Xmx); shorten the run, sample less often or simulate less", ex.getMessage());
        final ScenarioException direct = assertThrows(ScenarioException.class,
            () -> ScenarioValidator.validate("s.yaml", spec, LocationIndex.NONE, 1L << 30, 16L << 20));
        assertEquals("s.yaml: instances: the run would need about 28 MiB of direct memory, more than this JVM's "
            + "16 MiB (-XX:MaxDirectMemorySize); simulate fewer hosts or instances", direct.getMessage());
        assertEquals(2, ScenarioValidator.validate("s.yaml", spec, LocationIndex.NONE, 1L << 30, 1L << 30)
            .instances().size());
    }

    @Test
    void shouldCutLongValuesAndEscapeControlCharacters()
    {
        final String longName = "x".repeat(10_000);
        final String message = refusal(TWO + "expectations:\n  - {metric: net-out-gbps, instance: " + longName
            + ", min: 1}\n");
        assertEquals("s.yaml:7:28: expectations[0].instance: unknown instance '" + "x".repeat(80)
            + "...(9920 more characters)'; defined: a, b", message);
        final StringBuilder names = new StringBuilder("name: t\nduration: 4s\ninstances:\n"
            + "  - {name: i, type: c5.large, count: 30}\nexpectations:\n  - {metric: net-out-gbps, instance: x, min: 1}\n");
        assertRefused("s.yaml:6:28: expectations[0].instance: unknown instance 'x'; defined: i-1, i-2, i-3, i-4, i-5, "
            + "i-6, i-7, i-8, i-9, i-10, i-11, i-12 and 18 more", names.toString());
        assertRefused("s.yaml:4:6: instances[0].name: 'a\\nb\\u001b[31m' is not a valid name (letters, digits, '.', "
            + "'_', '-'; up to 64)", "name: t\nduration: 4s\ninstances:\n  - {name: \"a\\nb\\e[31m\", type: c5.large}\n");
    }

    @Test
    void shouldRefuseATcpWindowThatOverflowsOrHoldsTooLittle()
    {
        assertRefused("s.yaml:7:59: workloads[0].window: '100g' is out of range, accepted 1 B..1 GiB",
            TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, protocol: tcp, window: 100g}\n");
        assertRefused("s.yaml:7:59: workloads[0].window: '99999999999999999999g' is not a size like 64k, 4m or 16m",
            TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, protocol: tcp, window: 99999999999999999999g}\n");
        assertRefused("s.yaml:7:59: workloads[0].window: '64k': initial window 10 segments out of range, accepted "
            + "1..7 (the window holds at least the initial 10 frames)",
            TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, protocol: tcp, window: 64k}\n");
    }

    @Test
    void shouldAcceptIodepthUpToTheNvmeQueueAndNoMore() throws Exception
    {
        final String fio = VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: randread, iodepth: 1023}\n";
        assertEquals(1023, ((Scenario.FioWorkload)yaml(fio).workloads().get(0)).iodepth());
        assertRefused("s.yaml:6:51: workloads[0].iodepth: fio job w iodepth 1024 out of range: accepted 1..1023",
            fio.replace("1023", "1024"));
    }

    @Test
    void shouldRefuseAWorkloadLastingLongerThanTheScenario()
    {
        assertRefused("s.yaml:7:57: workloads[0].duration: '1h' from start 0s ends after the scenario (4s); accepted "
            + "at most 4s", TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, rateGbps: 1, duration: 1h}\n");
        assertRefused("s.yaml:7:68: workloads[0].duration: '3s' from start 2s ends after the scenario (4s); accepted "
            + "at most 2s", TWO + "workloads:\n  - {name: w, kind: iperf, from: a, to: b, rateGbps: 1, start: 2s, "
            + "duration: 3s}\n");
    }

    @Test
    void shouldBoundPeakDepths()
    {
        assertRefused("s.yaml:4:9: overrides.ebs.peakDepth: '1h' is too long, accepted at most 1s",
            TWO.replace("4s", "4s\noverrides:\n  ebs: {peakDepth: 1h}"));
        assertRefused("s.yaml:4:13: overrides.network.peakDepth: '10ns' is too short, accepted 1us..1s",
            TWO.replace("4s", "4s\noverrides:\n  network: {peakDepth: 10ns}"));
    }

    @Test
    void shouldBoundTheNvmeIoTimeout()
    {
        assertRefused("s.yaml:4:9: overrides.ebs.ioTimeout: '500us' is too short, accepted 1ms..60m",
            TWO.replace("4s", "4s\noverrides:\n  ebs: {ioTimeout: 500us}"));
        assertRefused("s.yaml:4:9: overrides.ebs.ioTimeout: '2h' is too long, accepted at most 60m",
            TWO.replace("4s", "4s\noverrides:\n  ebs: {ioTimeout: 2h}"));
    }

    @Test
    void shouldRefuseHostCapacityGroupsSubnetsAndBlockSizesWithTheirPlace()
    {
        assertRefused("s.yaml:5:5: instances[1]: InsufficientInstanceCapacity: b-1 (c5.18xlarge, 72 vCPUs, 144 GiB) "
            + "does not fit on host host-1: 70 of 72 hardware threads and 186 of 190 GiB guest memory are free "
            + "(instances are never overcommitted; add a host or memoryGiB)",
            TWO.replace("{name: b, type: c5.large}", "{name: b, type: c5.18xlarge, count: 2}"));
        final StringBuilder groups = new StringBuilder("name: t\nduration: 4s\nsecurityGroups:\n");
        for (int i = 0; i < 6; i++)
        {
            groups.append("  - {name: g").append(i).append(", ingress: [{protocol: all, from: 0.0.0.0/0}]}\n");
        }
        assertRefused("s.yaml:11:31: instances[0].securityGroups: SecurityGroupsPerInterfaceLimitExceeded: 6 security "
            + "groups for one interface, accepted 1..5", groups
            + "instances:\n  - {name: a, type: c5.large, securityGroups: [g0, g1, g2, g3, g4, g5]}\n");
        assertRefused("s.yaml:5:31: instances[0].subnet: InsufficientFreeAddressesInSubnet: subnet s (10.0.0.0/28) has "
            + "0 free addresses left, this interface needs 1 (the first four and the last address of a subnet are "
            + "reserved)", "name: t\nduration: 4s\nvpcs: [{name: v, cidr: 10.0.0.0/16, subnets: [{name: s, cidr: "
            + "10.0.0.0/28}]}]\ninstances:\n  - {name: a, type: c5.large, subnet: s, count: 12}\n");
        assertRefused("s.yaml:6:48: workloads[0].bs: fio job w bs 33554432 B out of range: accepted a multiple of 512 "
            + "in 512..16777216 (16 MiB)", VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: write, bs: 32m}\n");
    }

    @Test
    void shouldAcceptFioBlocksBeyondTheControllersMdtsUpTo16MiB() throws Exception
    {
        for (final String bs : new String[] {"1m", "16m"})
        {
            final Scenario scenario = yaml(VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: read, bs: " + bs
                + "}\n");
            final Scenario.FioWorkload fio = (Scenario.FioWorkload)scenario.workloads().get(0);
            assertEquals(bs.equals("1m") ? 1 << 20 : 16 << 20, fio.blockSizeBytes());
        }
    }

    @Test
    void shouldApplyTheEbsCardsDeviceNameRuleWithItsPlace()
    {
        assertRefused("s.yaml:4:64: instances[0].volumes[0].device: device name \"/dev/sdb1\" is invalid: accepted "
            + "/dev/sd[a-z] or /dev/xvd[a-z], optionally followed by one more letter (e.g. /dev/sdf)",
            VOLUME.replace("sizeGiB: 10}", "sizeGiB: 10, device: /dev/sdb1}"));
    }

    @Test
    void shouldRefuseFioSettingsTheGuestFioWouldRefuseMidRun()
    {
        assertRefused("s.yaml:6:37: workloads[0].rw: 'rw' is not accepted; accepted: read, write, randread, "
            + "randwrite, randrw", VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: rw}\n");
        assertRefused("s.yaml:6:48: workloads[0].numjobs: 64 job(s) of 64 MiB each (one region per job) do not fit "
            + "the 2 GiB volume v", VOLUME.replace("sizeGiB: 10", "sizeGiB: 2")
            + "workloads:\n  - {name: w, kind: fio, volume: v, rw: write, numjobs: 64}\n");
        assertRefused("s.yaml:6:60: workloads[0].size: 2 job(s) of 8 GiB each (one region per job) do not fit the 10 GiB "
            + "volume v", VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: write, numjobs: 2, size: 8g}\n");
    }

    @Test
    void shouldRefuseDuplicateRulesAndGroupsNamedTwice()
    {
        assertEquals("s.yaml:5:62: securityGroups[0].ingress[1]: InvalidPermission.Duplicate: rule "
            + "\"icmp 0.0.0.0/0\" already exists in inbound "
            + "rules of sg-", refusal("name: t\nduration: 4s\nsecurityGroups:\n  - name: g\n    ingress: "
            + "[{protocol: icmp, ports: '1', from: 0.0.0.0/0}, {protocol: icmp, ports: '2', from: 0.0.0.0/0}]\n"
            + "instances:\n  - {name: a, type: c5.large}\n").replaceFirst("sg-[0-9a-f]+$", "sg-"));
    }

    @Test
    @Timeout(10)
    void shouldReadOnlyRegularFilesOfBoundedSize() throws Exception
    {
        final Path fifo = dir.resolve("fifo.yaml");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is available");
        assertEquals(fifo + ": not a regular file; accepted: a scenario file of at most 4 MiB",
            assertThrows(ScenarioException.class, () -> ScenarioLoader.load(fifo)).getMessage());
        final Path zero = Path.of("/dev/zero");
        if (Files.exists(zero))
        {
            final Path link = Files.createSymbolicLink(dir.resolve("zero.yaml"), zero);
            assertEquals(link + ": not a regular file; accepted: a scenario file of at most 4 MiB",
                assertThrows(ScenarioException.class, () -> ScenarioLoader.load(link)).getMessage());
        }
        final Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[(4 << 20) + 1]);
        assertEquals(big + ": 4194305 bytes, accepted at most 4194304 (4 MiB)",
            assertThrows(ScenarioException.class, () -> ScenarioLoader.load(big)).getMessage());
        assertTrue(Duration.ZERO.isZero());
    }

    @Test
    void shouldRefuseAWorkloadMetricOfTheOtherKind()
    {
        assertRefused("s.yaml:8:29: expectations[0].workload: workload-gbps measures iperf workloads; w is fio",
            VOLUME + "workloads:\n  - {name: w, kind: fio, volume: v, rw: write}\nexpectations:\n"
            + "  - {metric: workload-gbps, workload: w, min: 1}\n");
    }
}

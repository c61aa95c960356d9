package io.nitrosim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The scenario's faults section: checked like every other section, each refusal one line with its place. */
class FaultsSectionTest
{
    private static final String BASE = "name: t\nduration: 4s\ninstances:\n"
        + "  - {name: a, type: c5.large, volumes: [{name: v, sizeGiB: 10}, {name: w, sizeGiB: 10}]}\n";

    private static Scenario yaml(final String text) throws Exception
    {
        return ScenarioLoader.parse("s.yaml", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static void assertRefused(final String expected, final String faults)
    {
        final ScenarioException ex = assertThrows(ScenarioException.class, () -> yaml(BASE + "faults:\n" + faults));
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void shouldReadFaultsInScenarioOrderWithTheirTimesInNanoseconds() throws Exception
    {
        final Scenario s = yaml(BASE + "faults:\n"
            + "  - {at: 1s, kind: storage-latency, target: v, duration: 500ms, latency: 20ms}\n"
            + "  - {at: 250ms, kind: storage-stall, target: v, duration: 1s}\n"
            + "  - {at: 2s, kind: link-down, target: a-eth0, duration: 2s}\n"
            + "  - {at: 3s, kind: credits-zeroed, target: a, bucket: net-in, duration: 1s}\n"
            + "  - {at: 3s, kind: fabric-loss, target: a-eth0, rate: 0.25, duration: 1s}\n");
        assertEquals(List.of(
            new Scenario.Fault(FaultKind.STORAGE_LATENCY, "v", 1_000_000_000L, 500_000_000L, 20_000_000L),
            new Scenario.Fault(FaultKind.STORAGE_STALL, "v", 250_000_000L, 1_000_000_000L, 0),
            new Scenario.Fault(FaultKind.LINK_DOWN, "a-eth0", 2_000_000_000L, 2_000_000_000L, 0),
            new Scenario.Fault(FaultKind.CREDITS_ZEROED, "a", 3_000_000_000L, 1_000_000_000L, 0, "net-in", 0),
            new Scenario.Fault(FaultKind.FABRIC_LOSS, "a-eth0", 3_000_000_000L, 1_000_000_000L, 0, null, 0.25)),
            s.faults());
        assertEquals(List.of(), yaml(BASE).faults());
    }

    @Test
    void shouldBuildTheSameFaultsInJava()
    {
        final Scenario s = ScenarioBuilder.named("t").duration("4s").instance("a", "c5.large")
            .volume("a", "v", "gp3", 10, 0, 0).fault("1s", "storage-stall", "v", "2s", null).build();
        assertEquals(List.of(new Scenario.Fault(FaultKind.STORAGE_STALL, "v", 1_000_000_000L, 2_000_000_000L, 0)),
            s.faults());
    }

    @Test
    void shouldRefuseBadFaultsWithTheirPlaceAndWhatIsAccepted()
    {
        assertRefused("s.yaml:6:14: faults[0].kind: 'disk-fire' is not accepted; accepted: storage-latency, "
            + "storage-stall, link-down, credits-zeroed, fabric-loss, function-reset, dma-fault, volume-detach, storage-restart, "
            + "fabric-corruption", "  - {at: 1s, kind: disk-fire, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:5: faults[0].kind: missing; accepted: storage-latency, storage-stall, link-down, "
            + "credits-zeroed, fabric-loss, function-reset, dma-fault, volume-detach, storage-restart, fabric-corruption",
            "  - {at: 1s, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:35: faults[0].target: unknown volume 'x'; defined: v, w",
            "  - {at: 1s, kind: storage-stall, target: x, duration: 1s}\n");
        assertRefused("s.yaml:6:31: faults[0].target: unknown ENI 'v'; defined: a-eth0",
            "  - {at: 1s, kind: link-down, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:6: faults[0].at: '4s' is not before the end of the run (4s)",
            "  - {at: 4s, kind: storage-stall, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:6: faults[0].at: 'soon' is not " + DurationParser.ACCEPTED,
            "  - {at: soon, kind: storage-stall, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:46: faults[0].duration: '2s' from 3s ends after the run (4s); accepted at most 1s",
            "  - {at: 3s, kind: storage-stall, target: v, duration: 2s}\n");
        assertRefused("s.yaml:6:46: faults[0].duration: '0' must be longer than 0",
            "  - {at: 1s, kind: storage-stall, target: v, duration: 0}\n");
        assertRefused("s.yaml:6:5: faults[0].latency: missing; accepted: " + DurationParser.ACCEPTED,
            "  - {at: 1s, kind: storage-latency, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:62: faults[0].latency: '2m' is too long, accepted at most 1m",
            "  - {at: 1s, kind: storage-latency, target: v, duration: 1s, latency: 2m}\n");
        assertRefused("s.yaml:6:60: faults[0].latency: does not apply to storage-stall faults (only storage-latency "
            + "takes it)", "  - {at: 1s, kind: storage-stall, target: v, duration: 1s, latency: 5ms}\n");
        assertRefused("s.yaml:6:46: faults[0].loss: unknown field 'loss'; accepted: at, bucket, duration, kind, "
            + "latency, rate, target", "  - {at: 1s, kind: storage-stall, target: v, loss: 0.1}\n");
        assertRefused("s.yaml:6:5: faults[0].rate: missing; accepted: a share of frames in (0, 1]",
            "  - {at: 1s, kind: fabric-loss, target: a-eth0, duration: 1s}\n");
        assertRefused("s.yaml:6:49: faults[0].rate: 1.5 is out of range; accepted: (0, 1]",
            "  - {at: 1s, kind: fabric-loss, target: a-eth0, rate: 1.5, duration: 1s}\n");
        assertRefused("s.yaml:6:60: faults[0].rate: does not apply to storage-stall faults (only fabric-loss and fabric-corruption take it)",
            "  - {at: 1s, kind: storage-stall, target: v, duration: 1s, rate: 0.5}\n");
        assertRefused("s.yaml:6:5: faults[0].bucket: missing; accepted: net-out, net-in, ebs, volume",
            "  - {at: 1s, kind: credits-zeroed, target: a, duration: 1s}\n");
        assertRefused("s.yaml:6:47: faults[0].bucket: 'gpu' is not accepted; accepted: net-out, net-in, ebs, volume",
            "  - {at: 1s, kind: credits-zeroed, target: a, bucket: gpu, duration: 1s}\n");
        assertRefused("s.yaml:6:36: faults[0].target: unknown instance 'v'; defined: a",
            "  - {at: 1s, kind: credits-zeroed, target: v, bucket: net-in, duration: 1s}\n");
        assertRefused("s.yaml:6:60: faults[0].bucket: does not apply to storage-stall faults (only credits-zeroed "
            + "takes it)", "  - {at: 1s, kind: storage-stall, target: v, duration: 1s, bucket: net-in}\n");
        final ScenarioException fixed = assertThrows(ScenarioException.class, () -> yaml("name: t\nduration: 4s\n"
            + "instances:\n  - {name: big, type: c5.9xlarge}\nfaults:\n"
            + "  - {at: 1s, kind: credits-zeroed, target: big, bucket: net-out, duration: 1s}\n"));
        assertEquals("s.yaml:6:36: faults[0].target: 'big' is a c5.9xlarge, whose network rate is fixed (no credits "
            + "to zero); accepted: an instance of a type with network burst credits", fixed.getMessage());
        assertRefused("s.yaml:7:5: faults[1]: storage-stall on 'v' (1500ms-2500ms) overlaps faults[0] (1s-2s)",
            "  - {at: 1s, kind: storage-stall, target: v, duration: 1s}\n"
                + "  - {at: 1500ms, kind: storage-stall, target: v, duration: 1s}\n");
        assertRefused("s.yaml:6:4: faults[0]: empty list entry; expected {at, kind, target, ...} (kinds: "
            + "storage-latency, storage-stall, link-down, credits-zeroed, fabric-loss, function-reset, dma-fault, "
            + "volume-detach, storage-restart, fabric-corruption)", "  -\n");
    }

    @Test
    void shouldZeroEbsCreditsOfABurstingInstanceAndTheBurstBalanceOfAVolume() throws Exception
    {
        final Scenario s = yaml("name: t\nduration: 4s\ninstances:\n"
            + "  - {name: a, type: c5.large, volumes: [{name: g, type: gp2, sizeGiB: 100}, {name: t, type: st1, "
            + "sizeGiB: 500}]}\nfaults:\n"
            + "  - {at: 1s, kind: credits-zeroed, target: a, bucket: ebs, duration: 1s}\n"
            + "  - {at: 1s, kind: credits-zeroed, target: g, bucket: volume, duration: 1s}\n"
            + "  - {at: 1s, kind: credits-zeroed, target: t, bucket: volume, duration: 1s}\n"
            + "  - {at: 1s, kind: storage-restart, target: g, duration: 1s}\n"
            + "  - {at: 1s, kind: volume-detach, target: t, duration: 1s}\n");
        assertEquals(List.of(
            new Scenario.Fault(FaultKind.CREDITS_ZEROED, "a", 1_000_000_000L, 1_000_000_000L, 0, "ebs", 0),
            new Scenario.Fault(FaultKind.CREDITS_ZEROED, "g", 1_000_000_000L, 1_000_000_000L, 0, "volume", 0),
            new Scenario.Fault(FaultKind.CREDITS_ZEROED, "t", 1_000_000_000L, 1_000_000_000L, 0, "volume", 0),
            new Scenario.Fault(FaultKind.STORAGE_RESTART, "g", 1_000_000_000L, 1_000_000_000L, 0),
            new Scenario.Fault(FaultKind.VOLUME_DETACH, "t", 1_000_000_000L, 1_000_000_000L, 0)), s.faults());
    }

    @Test
    void shouldRefuseCreditsAStorageFaultCannotReachWithWhatIsAccepted()
    {
        assertRefused("s.yaml:6:36: faults[0].target: unknown volume 'a'; defined: v, w",
            "  - {at: 1s, kind: credits-zeroed, target: a, bucket: volume, duration: 1s}\n");
        assertRefused("s.yaml:6:36: faults[0].target: 'v' is a gp3 volume of 10 GiB, which has no burst balance (its "
            + "rate is its baseline); accepted: a gp2 volume under 1000 GiB (I/O credits), or an st1 or sc1 volume "
            + "(throughput credits)", "  - {at: 1s, kind: credits-zeroed, target: v, bucket: volume, duration: 1s}\n");
        final ScenarioException fixed = assertThrows(ScenarioException.class, () -> yaml("name: t\nduration: 4s\n"
            + "instances:\n  - {name: big, type: c5.4xlarge, volumes: [{name: v, sizeGiB: 10}]}\nfaults:\n"
            + "  - {at: 1s, kind: credits-zeroed, target: big, bucket: ebs, duration: 1s}\n"));
        assertEquals("s.yaml:6:36: faults[0].target: 'big' is a c5.4xlarge, whose EBS rate is fixed (no burst credits "
            + "to zero); accepted: an instance of a type with EBS burst (c5.large, c5.xlarge, c5.2xlarge)",
            fixed.getMessage());
        final ScenarioException noCard = assertThrows(ScenarioException.class, () -> yaml("name: t\nduration: 4s\n"
            + "instances:\n  - {name: b, type: c5.large}\nfaults:\n"
            + "  - {at: 1s, kind: credits-zeroed, target: b, bucket: ebs, duration: 1s}\n"));
        assertEquals("s.yaml:6:36: faults[0].target: 'b' has no volumes, so no EBS card and no EBS credits to zero; "
            + "accepted: an instance with at least one volume", noCard.getMessage());
        final ScenarioException remote = assertThrows(ScenarioException.class, () -> yaml(BASE
            + "storage: {server: 127.0.0.1:7070}\nfaults:\n"
            + "  - {at: 1s, kind: storage-restart, target: v, duration: 1s}\n"));
        assertEquals("s.yaml:7:14: faults[0].kind: storage-restart kills and restarts the run's own storage server, and "
            + "this run stores on storage.server, a process it does not own; accepted: a run without 'storage' (the "
            + "run's own storage)", remote.getMessage());
    }

    @Test
    void shouldAcceptFaultsThatMeetEndToStartOrHitOtherVolumes() throws Exception
    {
        assertEquals(3, yaml(BASE + "faults:\n"
            + "  - {at: 1s, kind: storage-stall, target: v, duration: 1s}\n"
            + "  - {at: 2s, kind: storage-stall, target: v, duration: 1s}\n"
            + "  - {at: 1s, kind: storage-stall, target: w, duration: 1s}\n").faults().size());
    }
}

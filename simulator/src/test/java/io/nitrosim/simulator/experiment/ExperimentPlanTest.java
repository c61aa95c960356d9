package io.nitrosim.simulator.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.scenario.ScenarioException;

class ExperimentPlanTest
{
    static final String SCENARIO = "name: small\nduration: 3s\nseed: 2\nsampleInterval: 250ms\n"
        + "overrides:\n  instanceTypes:\n    c5.large: {networkBurstSeconds: 1}\n"
        + "instances:\n  - {name: a, type: c5.large}\n  - {name: b, type: c5.xlarge}\n"
        + "workloads:\n  - {name: bulk, kind: iperf, from: a, to: b, streams: 2, frameBytes: 9001}\n"
        + "expectations:\n  - {metric: net-out-gbps, instance: a, from: 2s, to: 3s, max: 1}\n";

    static final String SWEEP = "name: types\nscenario: s.yaml\nparameters:\n"
        + "  type: {path: \"instances[0].type\", values: [c5.large, c5.2xlarge]}\n"
        + "  workloads[0].streams: [1, 4]\n"
        + "expectations:\n"
        + "  - metric: net-out-drain-seconds\n    instance: a\n"
        + "    min: \"0.99 * burst * (peak - baseline) / (min(peak, flowLimit * ${workloads[0].streams}) - baseline)\"\n"
        + "  - {metric: net-out-gbps, instance: a, from: 0.5s, to: 1s, min: \"0.99 * min(peak, 5 * ${workloads[0].streams})\"}\n";

    @TempDir
    Path dir;

    private Path write(final String name, final String text) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private String refused(final String sweep) throws Exception
    {
        write("s.yaml", SCENARIO);
        final Path file = write("sweep.yaml", sweep);
        return assertThrows(ScenarioException.class, () -> ExperimentPlan.load(file)).getMessage()
            .replace(file.toString(), "SWEEP");
    }

    @Test
    void shouldBuildEveryCombinationWithTheSweepExpectationsResolvedAtEachPoint() throws Exception
    {
        write("s.yaml", SCENARIO);
        final ExperimentPlan plan = ExperimentPlan.load(write("sweep.yaml", SWEEP));

        assertEquals(4, plan.points().size());
        assertEquals(List.of(Map.of("type", "c5.large", "workloads[0].streams", "1"),
            Map.of("type", "c5.large", "workloads[0].streams", "4"),
            Map.of("type", "c5.2xlarge", "workloads[0].streams", "1"),
            Map.of("type", "c5.2xlarge", "workloads[0].streams", "4")),
            plan.points().stream().map(ExperimentPlan.PlannedPoint::parameters).toList());
        assertEquals("type=c5.large, workloads[0].streams=4", plan.points().get(1).label());

        final ExperimentPlan.PlannedPoint large1 = plan.points().get(0);
        assertEquals(1, large1.scenarioExpectationCount());
        final ExperimentPlan.Check drain = large1.checks().get(0);
        assertTrue(drain.isDerived());
        // c5.large, burst shortened to 1 s: 9.25 Gbit of credits drain at 5 - 0.75 Gbps in 2.176 s
        assertEquals(SweepExpectation.roundOutward(0.99 * 9.25 / 4.25, true), drain.min());
        assertNull(drain.max());
        // c5.2xlarge keeps its catalog burst (1560 s): 7.5 x 1560 / (10 - 2.5) with four flows
        assertEquals(SweepExpectation.roundOutward(0.99 * 1560, true), plan.points().get(3).checks().get(0).min());

        // A scenario metric becomes the point scenario's own expectation, after the base scenario's.
        final ExperimentPlan.Check rate = large1.checks().get(1);
        assertEquals(1, rate.resultIndex());
        final JsonNode tree = ExperimentPlan.tree(large1.scenarioJson());
        assertEquals("c5.large", tree.at("/instances/0/type").asText());
        assertEquals(1, tree.at("/workloads/0/streams").asInt());
        assertEquals(2, tree.at("/expectations").size());
        assertEquals(4.95, tree.at("/expectations/1/min").asDouble());
        assertEquals("0.5s", tree.at("/expectations/1/from").asText());
        assertEquals(9.9, ExperimentPlan.tree(plan.points().get(1).scenarioJson()).at("/expectations/1/min").asDouble());
        assertEquals(List.of(false, false, true, true), plan.points().stream()
            .map(p -> ExperimentPlan.tree(p.scenarioJson()).at("/instances/0/type").asText().equals("c5.2xlarge"))
            .toList());
    }

    @Test
    void shouldRoundComputedBoundsOutward()
    {
        assertEquals(43.0941, SweepExpectation.roundOutward(0.99 * 185 / 4.25, true));
        assertEquals(43.9648, SweepExpectation.roundOutward(1.01 * 185 / 4.25, false));
        assertEquals(4.95, SweepExpectation.roundOutward(4.95, true));
        assertEquals(4.95, SweepExpectation.roundOutward(0.99 * 5, false));
        assertEquals(-2.25001, SweepExpectation.roundOutward(-2.250001, true));
    }

    @Test
    void shouldRefuseABadSweepWithOneLineNamingTheField() throws Exception
    {
        assertEquals("SWEEP: unknown field 'set'; accepted: name, description, scenario, parameters, expectations, "
            + "scenarioExpectations", refused("name: t\nscenario: s.yaml\nset: 1\nparameters:\n  seed: [1]\n"));
        assertEquals("SWEEP: scenarioExpectations: 'fail' is not accepted; accepted: report (the default: shown, "
            + "never failing the sweep) or gate",
            refused("name: t\nscenario: s.yaml\nscenarioExpectations: fail\nparameters:\n  seed: [1]\n"));
        assertEquals("SWEEP: parameters.b: sets the same place as parameters.seed",
            refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\n  b: {path: /seed, values: [2]}\n"));
        assertTrue(refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
            + "  - {metric: net-out-burst, instance: a, min: 1}\n").startsWith("SWEEP: expectations[0].metric: unknown "
            + "metric 'net-out-burst'; accepted: the scenario metrics (net-in-gbps, "));
        assertEquals("SWEEP: expectations[0].from: does not apply to net-out-burst-seconds (a derived figure covers "
            + "the whole run)", refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
            + "  - {metric: net-out-burst-seconds, instance: a, from: 1s, min: 1}\n"));
        assertEquals("SWEEP: expectations[0].volume: does not apply to net-out-burst-seconds (its subject is a "
            + "instance)", refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
            + "  - {metric: net-out-burst-seconds, volume: a, min: 1}\n"));
        assertEquals("SWEEP: expectations[0].max: expression '1.01 * (peak' at character 13: expected ')' at the end",
            refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
                + "  - {metric: net-out-peak-held, instance: a, max: \"1.01 * (peak\"}\n"));
    }

    @Test
    void shouldRefuseABoundThatCannotBeComputedAtAPoint() throws Exception
    {
        assertEquals("SWEEP point 1 {seed=1}: expectations[0]: ${instances[0].type} is not a swept parameter; the "
            + "parameters are seed", refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
            + "  - {metric: net-out-peak-held, instance: a, min: \"${instances[0].type}\"}\n"));
        assertEquals("SWEEP point 1 {instances[0].type=c5.large}: expectations[0]: ${instances[0].type} is "
            + "'c5.large' here, not a number", refused("name: t\nscenario: s.yaml\nparameters:\n"
            + "  instances[0].type: [c5.large]\nexpectations:\n"
            + "  - {metric: net-out-peak-held, instance: a, min: \"${instances[0].type}\"}\n"));
        assertTrue(refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
            + "  - {metric: net-out-peak-held, instance: a, min: \"0.9 * peek\"}\n").startsWith("SWEEP point 1 "
            + "{seed=1}: expectations[0]: 'peek' is not a name a bound may use; accepted: peak, baseline, burst, "
            + "flowLimit, duration, sampleInterval, type.vcpus, "));
        assertEquals("SWEEP point 1 {seed=1}: expectations[0].instance: the scenario has no instance 'c'",
            refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
                + "  - {metric: net-out-peak-held, instance: c, min: 1}\n"));
        assertEquals("SWEEP point 1 {seed=1}: expectations[0]: min 9.9 is above max 4.95 here",
            refused("name: t\nscenario: s.yaml\nparameters:\n  seed: [1]\nexpectations:\n"
                + "  - {metric: net-out-peak-held, instance: a, min: \"0.99 * peak\", max: \"0.99 * flowLimit\"}\n"));
    }
}

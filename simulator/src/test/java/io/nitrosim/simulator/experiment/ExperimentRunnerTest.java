package io.nitrosim.simulator.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.simulator.report.ResultsJson;
import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.RunResults;

class ExperimentRunnerTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunEveryPointOnTheEmbeddedMemberAsARunOnItsOwnWould() throws Exception
    {
        Files.writeString(dir.resolve("s.yaml"), ExperimentPlanTest.SCENARIO);
        Files.writeString(dir.resolve("sweep.yaml"), "name: streams\nscenario: s.yaml\nparameters:\n"
            + "  workloads[0].streams: [1, 4]\nexpectations:\n"
            + "  - metric: net-out-drain-seconds\n    instance: a\n"
            + "    min: \"0.99 * burst * (peak - baseline) / (min(peak, flowLimit * ${workloads[0].streams}) - baseline)\"\n"
            + "    max: \"1.01 * burst * (peak - baseline) / (min(peak, flowLimit * ${workloads[0].streams}) - baseline)\"\n"
            + "  - {metric: net-out-gbps, instance: a, from: 2.5s, to: 3s, min: 0.74, max: 0.76}\n");
        final ExperimentPlan plan = ExperimentPlan.load(dir.resolve("sweep.yaml"));
        final List<String> heard = new ArrayList<>();
        final ExperimentRunner.Outcome outcome;
        try (SweepCluster cluster = SweepCluster.embedded(2))
        {
            outcome = ExperimentRunner.run(plan, cluster, new ExperimentRunner.Listener()
            {
                @Override
                public void pointDone(final ExperimentPlan.PlannedPoint point, final ExperimentPoint result,
                    final String member, final int done, final int total)
                {
                    heard.add(point.index() + " " + result.expectationsPassed() + " " + total);
                }

                @Override
                public void workerLeft(final String member, final List<Integer> unfinishedPoints)
                {
                    heard.add("left " + member);
                }
            });
        }
        heard.sort(null);
        assertEquals(List.of("0 true 2", "1 true 2"), heard);

        final ExperimentResults r = outcome.results();
        assertTrue(r.expectationsPassed(), r.points().toString());
        // One flow: 9.25 Gbit of credits at 5 - 0.75 Gbps = 2.18 s; four: the 10 Gbps peak for 1 s.
        assertEquals(9.25 / 4.25, r.points().get(0).metrics().get("a.net-out-drain-seconds"), 0.01);
        assertEquals(1.0, r.points().get(1).metrics().get("a.net-out-burst-seconds"), 0.01);
        assertEquals(5.0, r.points().get(0).metrics().get("a.net-out-peak-held"), 0.01);
        assertEquals("net-out-drain-seconds instance a between 2.15470 and 2.19824".replace("2.15470", "2.1547")
            .replace("2.19824", "2.1982"), r.points().get(0).expectations().get(0).description());
        assertEquals("net-out-gbps instance a over 2500ms-3000ms between 0.74 and 0.76",
            r.points().get(0).expectations().get(1).description());
        // The scenario's own expectation (at most 1 Gbps over 2-3 s) is reported, not gating: it fails with one
        // flow (the burst lasts past 2 s) and holds with four.
        assertFalse(r.points().get(0).scenarioExpectationsPassed());
        assertTrue(r.points().get(1).scenarioExpectationsPassed());
        assertEquals(List.of("workloads[0].streams"), r.parameters());
        assertTrue(r.metrics().stream().anyMatch(m -> m.key().equals("bulk.workload-p99-ms")));

        // Through the member and its map, a point's results are those of running it directly, value for value.
        for (int i = 0; i < 2; i++)
        {
            final ExperimentPlan.PlannedPoint p = plan.points().get(i);
            final RunResults direct = PointRunner.run(p.source(), p.scenarioJson()).results();
            assertEquals(withoutWall(direct), withoutWall(outcome.runs().get(i)));
            assertEquals(12, outcome.series().get(i).sampleCount());
        }
    }

    private static String withoutWall(final RunResults r)
    {
        return ResultsJson.toJson(r).replaceAll("\"wallSeconds\" : [0-9.E-]+", "");
    }
}

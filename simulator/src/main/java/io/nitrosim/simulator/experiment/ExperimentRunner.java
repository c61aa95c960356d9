package io.nitrosim.simulator.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.nitrosim.simulator.results.ExperimentPoint;
import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.RunResults;
import io.nitrosim.simulator.results.TimeSeries;
import io.nitrosim.time.WallClock;

/**
 * Runs an {@link ExperimentPlan} on a {@link SweepCluster} and gathers the outcome, whichever members ran which
 * points: the results are the same as for a run on one machine.
 */
public final class ExperimentRunner
{
    private ExperimentRunner()
    {
    }

    /** What the caller hears as points finish. */
    public interface Listener
    {
        /**
         * @param point   the point that finished.
         * @param result  its row of the experiment (metrics and expectation outcomes).
         * @param member  the member that ran it (host:port).
         * @param done    points finished so far.
         * @param total   points in the sweep.
         */
        void pointDone(ExperimentPlan.PlannedPoint point, ExperimentPoint result, String member, int done, int total);

        /** A worker left the cluster; its unfinished points (0-based) run again on the others. */
        void workerLeft(String member, List<Integer> unfinishedPoints);
    }

    /**
     * The experiment's results and every point's own run, in grid order.
     *
     * @param results the comparison across points (experiment.json, experiment.csv).
     * @param runs    each point's results (its results.json).
     * @param series  each point's time series (its timeseries.csv).
     */
    public record Outcome(ExperimentResults results, List<RunResults> runs, List<TimeSeries> series)
    {
    }

    public static Outcome run(final ExperimentPlan plan, final SweepCluster cluster, final Listener listener)
        throws InterruptedException
    {
        final String runId = plan.sweep().name() + "." + UUID.randomUUID();
        final List<PointTask> tasks = new ArrayList<>();
        for (final ExperimentPlan.PlannedPoint p : plan.points())
        {
            tasks.add(new PointTask(MemberConfigs.RESULTS_PREFIX + runId, p));
        }
        final long startNs = WallClock.nanoTime();
        final PointOutcome[] outcomes = new PointScheduler(cluster.hazelcast()).run(tasks, runId,
            new PointScheduler.Progress()
            {
                @Override
                public void pointDone(final PointOutcome outcome, final int done, final int total)
                {
                    final ExperimentPlan.PlannedPoint p = plan.points().get(outcome.index());
                    listener.pointDone(p, ExperimentGatherer.single(plan, p, outcome.results(), outcome.wallSeconds()),
                        outcome.member(), done, total);
                }

                @Override
                public void workerLeft(final String address, final List<Integer> unfinishedPoints)
                {
                    listener.workerLeft(address, unfinishedPoints);
                }
            });
        final double wallSeconds = (WallClock.nanoTime() - startNs) / 1e9;
        final List<RunResults> runs = new ArrayList<>();
        final List<TimeSeries> series = new ArrayList<>();
        final double[] pointWall = new double[outcomes.length];
        for (int i = 0; i < outcomes.length; i++)
        {
            runs.add(outcomes[i].results());
            series.add(outcomes[i].series());
            pointWall[i] = outcomes[i].wallSeconds();
        }
        return new Outcome(ExperimentGatherer.gather(plan, runs, pointWall, wallSeconds), runs, series);
    }
}

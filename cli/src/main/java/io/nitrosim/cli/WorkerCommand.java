package io.nitrosim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;

import io.nitrosim.simulator.experiment.ClusterSettings;
import io.nitrosim.simulator.experiment.SweepCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nitro-sim worker --cluster HOST:PORT,... --secret-file FILE}: a member of a sweep cluster that runs the
 * points a coordinator ({@code nitro-sim experiment SWEEP --cluster ...}) submits, until it is stopped.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Start a sweep worker: a cluster member that runs experiment points until stopped (Ctrl-C).",
        "Start the same command on each machine (or several times on one: ports count up from --port); then run",
        "'nitro-sim experiment SWEEP --cluster ...' with the same cluster name and secret."})
public final class WorkerCommand implements Callable<Integer>
{
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ClusterSettings.DEFAULT_PORT,
        description = "Port to listen on; when busy, the next free one up to 100 further (default: ${DEFAULT-VALUE}; "
            + "0: any free port).")
    int port;

    @Option(names = "--threads", paramLabel = "N", description = "Points run at once, 1..64 (default: the number of "
        + "processors).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException
    {
        if (!cluster.enabled())
        {
            throw new BadInputException("worker needs --cluster HOST:PORT[,HOST:PORT...]: the members to join (list "
                + "this worker's own address too to start the same command everywhere)");
        }
        final ClusterSettings settings = cluster.settings(port, port != 0, ClusterSettings.DEFAULT_JOIN_TIMEOUT_SECONDS);
        final int pointsAtOnce = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        final PrintWriter out = spec.commandLine().getOut();
        final HazelcastInstance member;
        try
        {
            member = SweepCluster.startWorker(settings, pointsAtOnce, line -> print(out, line));
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        member.getLifecycleService().addLifecycleListener(e ->
        {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN)
            {
                stopped.countDown();
            }
        });
        member.getCluster().addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberAdded(final MembershipEvent e)
            {
                print(out, "member joined: " + SweepCluster.address(e.getMember()) + " (members: " + e.getMembers().size()
                    + ")");
            }

            @Override
            public void memberRemoved(final MembershipEvent e)
            {
                print(out, "member left: " + SweepCluster.address(e.getMember()) + " (members: " + e.getMembers().size()
                    + ")");
            }
        });
        print(out, "worker " + SweepCluster.address(member.getCluster().getLocalMember()) + " of cluster '"
            + settings.clusterName() + "' runs " + pointsAtOnce + " point(s) at once; members: "
            + member.getCluster().getMembers().size() + " (Ctrl-C to stop)");
        if (!member.getLifecycleService().isRunning())
        {
            return NitroSim.EXIT_OK;
        }
        stopped.await();
        return NitroSim.EXIT_OK;
    }

    private static void print(final PrintWriter out, final String line)
    {
        out.println(line);
        out.flush();
    }
}

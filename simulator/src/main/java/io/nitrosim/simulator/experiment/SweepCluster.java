package io.nitrosim.simulator.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;

import io.nitrosim.time.WallClock;

/**
 * Where a sweep's points run: Hazelcast members. By default one member embedded in this process that joins
 * nothing ({@link #embedded}); for large sweeps, workers started with {@code nitro-sim worker} on this and other
 * machines, which a coordinator joins as a lite member ({@link #join}) to submit the points through a durable
 * executor. See {@link MemberConfigs} for how members are set up.
 */
public final class SweepCluster implements AutoCloseable
{
    private final HazelcastInstance hazelcast;
    private final String description;
    private final boolean embedded;

    private SweepCluster(final HazelcastInstance hazelcast, final String description, final boolean embedded)
    {
        this.hazelcast = hazelcast;
        this.description = description;
        this.embedded = embedded;
    }

    /** One member in this process running {@code threads} points at once. */
    public static SweepCluster embedded(final int threads)
    {
        if (threads < 1 || threads > 64)
        {
            throw new IllegalArgumentException("--threads " + threads + " is out of range, accepted 1..64");
        }
        final HazelcastInstance member = Hazelcast.newHazelcastInstance(MemberConfigs.embedded(threads));
        return new SweepCluster(member, "one embedded member running " + threads + " point(s) at once", true);
    }

    /**
     * Joins the workers of a cluster as a lite member and waits until as many workers as addresses were given
     * are present, or the join timeout passes with at least one.
     *
     * @throws IllegalStateException no worker answered (wrong address, cluster name or secret).
     */
    public static SweepCluster join(final ClusterSettings settings)
    {
        final HazelcastInstance member = start(MemberConfigs.coordinator(settings));
        final long deadlineNs = WallClock.nanoTime() + TimeUnit.SECONDS.toNanos(settings.joinTimeoutSeconds());
        while (workers(member).size() < settings.members().size() && WallClock.nanoTime() < deadlineNs)
        {
            WallClock.parkUntil(WallClock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        }
        final List<Member> workers = workers(member);
        if (workers.isEmpty())
        {
            member.shutdown();
            throw new IllegalStateException("no worker of cluster '" + settings.clusterName() + "' answered at "
                + String.join(",", settings.members()) + " within " + settings.joinTimeoutSeconds() + " s: are the "
                + "workers running, with the same cluster name and secret?");
        }
        int threads = 0;
        final List<String> addresses = new ArrayList<>();
        for (final Member w : workers)
        {
            threads += PointScheduler.slots(w);
            addresses.add(address(w));
        }
        return new SweepCluster(member, String.format(Locale.ROOT, "%d worker(s) of cluster '%s' (%s) running %d "
            + "point(s) at once", workers.size(), settings.clusterName(), String.join(", ", addresses), threads), false);
    }

    /**
     * Starts a worker member in this process: it joins the listed members (or waits for others to join it) and
     * runs the points it is given, {@code threads} at once, printing one line per point to {@code log}.
     */
    public static HazelcastInstance startWorker(
        final ClusterSettings settings, final int threads, final Consumer<String> log)
    {
        if (threads < 1 || threads > 64)
        {
            throw new IllegalArgumentException("--threads " + threads + " is out of range, accepted 1..64");
        }
        return start(MemberConfigs.worker(settings, threads, log));
    }

    private static HazelcastInstance start(final com.hazelcast.config.Config config)
    {
        try
        {
            return Hazelcast.newHazelcastInstance(config);
        }
        catch (final HazelcastException ex)
        {
            throw new IllegalStateException("cannot start a cluster member: " + ex.getMessage(), ex);
        }
    }

    /** The data members (workers) of the member's cluster, in the cluster's order. */
    static List<Member> workers(final HazelcastInstance member)
    {
        final List<Member> workers = new ArrayList<>();
        for (final Member m : member.getCluster().getMembers())
        {
            if (!m.isLiteMember())
            {
                workers.add(m);
            }
        }
        return workers;
    }

    /** host:port of a member. */
    public static String address(final Member member)
    {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    /** How the points run, for the console: "3 worker(s) of cluster 'nitro-sim' (...) running 6 point(s) at once". */
    public String description()
    {
        return description;
    }

    HazelcastInstance hazelcast()
    {
        return hazelcast;
    }

    @Override
    public void close()
    {
        if (embedded)
        {
            hazelcast.getLifecycleService().terminate(); // nothing to hand over to anyone
        }
        else
        {
            hazelcast.shutdown();
        }
    }
}

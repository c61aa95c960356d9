package io.nitrosim.simulator.experiment;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.durableexecutor.DurableExecutorService;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionService;

import io.nitrosim.time.WallClock;

/**
 * Hands a sweep's points to the workers of a cluster through a durable executor and collects their outcomes
 * from the results map.
 * <p>
 * Each worker gets as many points at a time as it runs at once (its {@code nitro-sim.threads} attribute), so a
 * faster worker takes more of them; a point goes to a worker by submitting it to the owner of a key in a
 * partition that worker owns. The durable executor keeps every submitted point on the owner and on a backup:
 * when a worker dies, the backup owner runs its unfinished points again, and since a point's run depends on its
 * scenario alone, it writes the same outcome. A point whose submission fails outright is submitted again (up to
 * {@link #MAX_ATTEMPTS} times); a point that fails inside the simulation fails the sweep.
 */
final class PointScheduler
{
    static final int MAX_ATTEMPTS = 3;
    private static final long POLL_MS = 200;
    private static final long SAFE_WAIT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int KEY_SEARCH_LIMIT = 100_000;

    /** What the coordinator hears while points run. */
    interface Progress
    {
        void pointDone(PointOutcome outcome, int done, int total);

        void workerLeft(String address, List<Integer> unfinishedPoints);
    }

    private sealed interface Event permits Finished, Left
    {
    }

    private record Finished(int index, Throwable failure) implements Event
    {
    }

    private record Left(Member member) implements Event
    {
    }

    private final HazelcastInstance hazelcast;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Map<UUID, Integer> running = new HashMap<>();
    private final Map<Integer, UUID> assignedTo = new HashMap<>();
    private final Map<UUID, String> keys = new HashMap<>();

    PointScheduler(final HazelcastInstance hazelcast)
    {
        this.hazelcast = hazelcast;
    }

    /** How many points a worker runs at once. */
    static int slots(final Member member)
    {
        final String threads = member.getAttribute(MemberConfigs.THREADS_ATTRIBUTE);
        try
        {
            return threads == null ? 1 : Math.max(1, Integer.parseInt(threads));
        }
        catch (final NumberFormatException ex)
        {
            return 1;
        }
    }

    /** Runs every task and returns the outcomes by point index. */
    PointOutcome[] run(final List<PointTask> tasks, final String runId, final Progress progress)
        throws InterruptedException
    {
        final DurableExecutorService executor = hazelcast.getDurableExecutorService(MemberConfigs.EXECUTOR_PREFIX + runId);
        final IMap<Integer, PointOutcome> results = hazelcast.getMap(MemberConfigs.RESULTS_PREFIX + runId);
        final UUID listener = hazelcast.getCluster().addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberAdded(final MembershipEvent event)
            {
                // a new worker gets points at the next dispatch
            }

            @Override
            public void memberRemoved(final MembershipEvent event)
            {
                events.add(new Left(event.getMember()));
            }
        });
        try
        {
            awaitSafe();
            return collect(tasks, executor, results, progress);
        }
        finally
        {
            hazelcast.getCluster().removeMembershipListener(listener);
            executor.destroy();
            results.destroy();
        }
    }

    private PointOutcome[] collect(
        final List<PointTask> tasks, final DurableExecutorService executor, final IMap<Integer, PointOutcome> results,
        final Progress progress) throws InterruptedException
    {
        final int total = tasks.size();
        final PointOutcome[] outcomes = new PointOutcome[total];
        final int[] attempts = new int[total];
        final Deque<PointTask> pending = new ArrayDeque<>(tasks);
        int done = 0;
        while (done < total)
        {
            dispatch(pending, executor, attempts);
            final Event event = events.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (event instanceof Finished)
            {
                final Finished f = (Finished)event;
                final UUID worker = assignedTo.remove(f.index());
                if (worker != null)
                {
                    running.merge(worker, -1, Integer::sum);
                }
                final PointOutcome outcome = results.get(f.index());
                if (outcome == null)
                {
                    if (attempts[f.index()] >= MAX_ATTEMPTS)
                    {
                        throw new IllegalStateException("point " + (f.index() + 1) + " could not be run after "
                            + MAX_ATTEMPTS + " attempts: " + f.failure());
                    }
                    pending.addFirst(tasks.get(f.index()));
                    continue;
                }
                if (outcome.error() != null)
                {
                    throw new IllegalStateException("point " + (f.index() + 1) + " failed on " + outcome.member() + ": "
                        + outcome.error());
                }
                if (outcomes[f.index()] == null)
                {
                    outcomes[f.index()] = outcome;
                    done++;
                    progress.pointDone(outcome, done, total);
                }
            }
            else if (event instanceof Left)
            {
                final Member gone = ((Left)event).member();
                running.remove(gone.getUuid());
                keys.remove(gone.getUuid());
                final List<Integer> unfinished = new ArrayList<>();
                for (final Map.Entry<Integer, UUID> e : assignedTo.entrySet())
                {
                    if (e.getValue().equals(gone.getUuid()) && outcomes[e.getKey()] == null)
                    {
                        unfinished.add(e.getKey());
                    }
                }
                unfinished.sort(null);
                if (!gone.isLiteMember())
                {
                    progress.workerLeft(SweepCluster.address(gone), unfinished);
                }
            }
            if (SweepCluster.workers(hazelcast).isEmpty())
            {
                throw new IllegalStateException("no worker is left in the cluster; " + done + " of " + total
                    + " points finished");
            }
        }
        return outcomes;
    }

    /** Gives each worker points up to the number it runs at once. */
    private void dispatch(final Deque<PointTask> pending, final DurableExecutorService executor, final int[] attempts)
    {
        for (final Member worker : SweepCluster.workers(hazelcast))
        {
            while (!pending.isEmpty() && running.getOrDefault(worker.getUuid(), 0) < slots(worker))
            {
                final String key = keyOwnedBy(worker);
                if (key == null)
                {
                    break; // its partitions are still migrating: next round
                }
                final PointTask task = pending.poll();
                attempts[task.index()]++;
                running.merge(worker.getUuid(), 1, Integer::sum);
                assignedTo.put(task.index(), worker.getUuid());
                final int index = task.index();
                executor.submitToKeyOwner(task, key).whenComplete((member, failure) ->
                    events.add(new Finished(index, failure)));
            }
        }
    }

    /** A key whose partition the worker owns now, or null when it owns none yet. */
    private String keyOwnedBy(final Member worker)
    {
        final PartitionService partitions = hazelcast.getPartitionService();
        final String cached = keys.get(worker.getUuid());
        if (cached != null && worker.equals(partitions.getPartition(cached).getOwner()))
        {
            return cached;
        }
        for (int i = 0; i < KEY_SEARCH_LIMIT; i++)
        {
            final String key = "point-key-" + i;
            final Partition partition = partitions.getPartition(key);
            if (worker.equals(partition.getOwner()))
            {
                keys.put(worker.getUuid(), key);
                return key;
            }
        }
        return null;
    }

    /** Waits (up to 30 s) until no partition is migrating, so points land where the dispatch meant them to. */
    private void awaitSafe()
    {
        final long deadlineNs = WallClock.nanoTime() + SAFE_WAIT_NS;
        while (!hazelcast.getPartitionService().isClusterSafe() && WallClock.nanoTime() < deadlineNs)
        {
            WallClock.parkUntil(WallClock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }
}

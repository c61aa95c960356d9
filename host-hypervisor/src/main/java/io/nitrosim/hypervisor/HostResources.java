package io.nitrosim.hypervisor;

import io.nitrosim.hypervisor.memory.HostMemoryMap;
import io.nitrosim.hypervisor.memory.MemoryRange;

/**
 * Free hardware threads and memory, and the placement rule. Not thread-safe: the host calls it under its lock.
 * <p>
 * Rule (deterministic, no overcommit): an instance's vCPUs go to one socket if any socket has enough free
 * threads (the lowest such socket; keeps an instance on one NUMA node), otherwise across sockets. Within the
 * chosen sockets, whole free cores are taken first, lowest first, so vCPU pairs (0,1), (2,3), ... land on
 * sibling hyperthreads; remaining vCPUs take threads of partly used cores first, then any free thread,
 * lowest id first. Memory is carved first-fit from the lowest host-physical address above the reserve.
 */
final class HostResources
{
    /** Guest memory ranges start on 2 MiB (huge page) boundaries. */
    static final long MEMORY_ALIGNMENT_BYTES = 2L << 20;

    private final HostTopology topology;
    private final HostMemoryMap memoryMap;
    private final boolean[] used;
    private int freeThreads;

    HostResources(final HostTopology topology, final long memoryBytes, final long reserveBytes)
    {
        this.topology = topology;
        this.memoryMap = new HostMemoryMap(memoryBytes, reserveBytes, MEMORY_ALIGNMENT_BYTES);
        this.used = new boolean[topology.threadCount()];
        this.freeThreads = used.length;
    }

    /** A placement for {@code vcpus} threads and {@code memoryBytes}; null, changing nothing, if it does not fit. */
    Placement tryPlace(final int vcpus, final long memoryBytes)
    {
        final int[] threads = pickThreads(vcpus);
        if (threads == null)
        {
            return null;
        }
        final MemoryRange range = memoryMap.allocate(memoryBytes);
        if (range == null)
        {
            return null;
        }
        for (final int id : threads)
        {
            used[id] = true;
        }
        freeThreads -= threads.length;
        return new Placement(threads, range);
    }

    void release(final Placement placement)
    {
        for (final int id : placement.threadIdsArray())
        {
            if (!used[id])
            {
                throw new IllegalStateException("host thread " + id + " released twice");
            }
            used[id] = false;
        }
        freeThreads += placement.vcpuCount();
        memoryMap.release(placement.hostMemory());
    }

    int freeThreads()
    {
        return freeThreads;
    }

    boolean isUsed(final int threadId)
    {
        return used[threadId];
    }

    long freeMemoryBytes()
    {
        return memoryMap.freeBytes();
    }

    long largestFreeMemoryBytes()
    {
        return memoryMap.largestFreeBytes();
    }

    long guestMemoryCapacityBytes()
    {
        return memoryMap.totalBytes() - memoryMap.reservedBytes();
    }

    private int[] pickThreads(final int count)
    {
        if (count < 1 || count > freeThreads)
        {
            return null;
        }
        final int perSocket = topology.coresPerSocket() * topology.threadsPerCore();
        for (int socket = 0; socket < topology.sockets(); socket++)
        {
            if (freeIn(socket * perSocket, (socket + 1) * perSocket) >= count)
            {
                return pickIn(socket * perSocket, (socket + 1) * perSocket, count);
            }
        }
        return pickIn(0, used.length, count);
    }

    private int freeIn(final int fromId, final int toId)
    {
        int free = 0;
        for (int id = fromId; id < toId; id++)
        {
            if (!used[id])
            {
                free++;
            }
        }
        return free;
    }

    /** Picks {@code count} free threads among ids [fromId, toId) (whole cores, enough free threads known). */
    private int[] pickIn(final int fromId, final int toId, final int count)
    {
        final int perCore = topology.threadsPerCore();
        final boolean[] taken = new boolean[used.length];
        final int[] result = new int[count];
        int n = 0;
        // 1. whole free cores, so an instance's vCPU pairs share cores only with each other
        for (int core = fromId; core < toId && count - n >= perCore; core += perCore)
        {
            if (freeIn(core, core + perCore) == perCore)
            {
                for (int id = core; id < core + perCore; id++)
                {
                    taken[id] = true;
                    result[n++] = id;
                }
            }
        }
        // 2. threads of partly used cores (keeps whole cores whole for later instances), 3. any free thread
        for (int pass = 0; pass < 2 && n < count; pass++)
        {
            for (int id = fromId; id < toId && n < count; id++)
            {
                if (used[id] || taken[id])
                {
                    continue;
                }
                final int core = id - (id % perCore);
                if (pass == 0 && freeIn(core, core + perCore) == perCore)
                {
                    continue;
                }
                taken[id] = true;
                result[n++] = id;
            }
        }
        return result;
    }
}

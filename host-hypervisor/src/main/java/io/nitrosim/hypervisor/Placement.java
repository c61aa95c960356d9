package io.nitrosim.hypervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.nitrosim.hypervisor.memory.MemoryRange;

/**
 * Where an instance sits on its host: the hardware thread each vCPU is pinned to (vCPU i on
 * {@code hostThreadId(i)}; no other instance uses these threads) and the host-physical range holding its memory.
 */
public final class Placement
{
    private final int[] hostThreadIds;
    private final MemoryRange hostMemory;

    Placement(final int[] hostThreadIds, final MemoryRange hostMemory)
    {
        this.hostThreadIds = hostThreadIds.clone();
        this.hostMemory = hostMemory;
    }

    public int vcpuCount()
    {
        return hostThreadIds.length;
    }

    public int hostThreadId(final int vcpuIndex)
    {
        return hostThreadIds[vcpuIndex];
    }

    /** Host thread of each vCPU, by vCPU index. */
    public List<Integer> hostThreadIds()
    {
        final List<Integer> list = new ArrayList<>(hostThreadIds.length);
        for (final int id : hostThreadIds)
        {
            list.add(id);
        }
        return Collections.unmodifiableList(list);
    }

    public MemoryRange hostMemory()
    {
        return hostMemory;
    }

    int[] threadIdsArray()
    {
        return hostThreadIds;
    }

    @Override
    public String toString()
    {
        return "threads " + hostThreadIds() + ", memory " + hostMemory;
    }
}

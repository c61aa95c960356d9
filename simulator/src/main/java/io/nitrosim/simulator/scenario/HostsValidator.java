package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.hypervisor.Host;
import io.nitrosim.hypervisor.InsufficientInstanceCapacityException;
import io.nitrosim.simulator.scenario.ScenarioSpec.HostSpec;

/**
 * {@code hosts}, and the capacity of each: the hypervisor places an instance on dedicated hardware threads and
 * memory, never overcommitted. A scenario only launches, so the first-fit placement succeeds exactly when the
 * vCPUs and the memory of a host's instances add up to no more than its threads and its memory less the
 * hypervisor's reserve: checked here so a full host is reported at the instance that does not fit.
 */
final class HostsValidator
{
    static final long DEFAULT_MEMORY_GIB = Host.Context.DEFAULT_MEMORY_BYTES >> 30;
    static final int THREADS = Host.Context.DEFAULT_SOCKETS * Host.Context.DEFAULT_CORES_PER_SOCKET
        * Host.Context.DEFAULT_THREADS_PER_CORE;

    private final FieldChecks checks;
    private final Map<String, Usage> usage = new LinkedHashMap<>();
    private List<Scenario.Host> hosts = List.of();

    private static final class Usage
    {
        final long memoryBytes;
        int threads;
        long guestBytes;

        Usage(final long memoryBytes)
        {
            this.memoryBytes = memoryBytes;
        }
    }

    HostsValidator(final FieldChecks checks)
    {
        this.checks = checks;
    }

    List<Scenario.Host> hosts(final List<HostSpec> specs)
    {
        final List<Scenario.Host> result = new ArrayList<>();
        final List<HostSpec> list = checks.list("hosts", specs, ScenarioLimits.MAX_HOSTS);
        if (list.isEmpty())
        {
            result.add(new Scenario.Host("host-1", DEFAULT_MEMORY_GIB << 30));
        }
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "hosts[" + i + "]";
            final HostSpec h = checks.entry(path, list.get(i), "a host {name, memoryGiB}");
            final String name = checks.name(path + ".name", h.name());
            if (usage.containsKey(name) || result.stream().anyMatch(x -> x.name().equals(name)))
            {
                throw checks.error(path + ".name", "duplicate name " + MessageText.quoted(name));
            }
            final long memGiB = checks.range(path + ".memoryGiB", h.memoryGiB(), DEFAULT_MEMORY_GIB, 8, 4096);
            result.add(new Scenario.Host(name, memGiB << 30));
        }
        for (final Scenario.Host h : result)
        {
            usage.put(h.name(), new Usage(h.memoryBytes()));
        }
        hosts = List.copyOf(result);
        return hosts;
    }

    Set<String> names()
    {
        return usage.keySet();
    }

    String defaultHost()
    {
        return hosts.get(0).name();
    }

    /** Places one instance of {@code type} on {@code host}; {@code path} names where the host is chosen. */
    void place(final String path, final String instance, final String host, final InstanceType type)
    {
        final Usage u = usage.get(host);
        final long guestCapacity = u.memoryBytes - Host.Context.DEFAULT_HYPERVISOR_RESERVE_BYTES;
        if (u.threads + type.vcpus() > THREADS || u.guestBytes + type.memoryBytes() > guestCapacity)
        {
            throw checks.error(path, InsufficientInstanceCapacityException.ERROR_CODE + ": " + instance + " ("
                + type.type() + ", " + type.vcpus() + " vCPUs, " + type.memoryGiB() + " GiB) does not fit on host "
                + host + ": " + (THREADS - u.threads) + " of " + THREADS + " hardware threads and "
                + ((guestCapacity - u.guestBytes) >> 30) + " of " + (guestCapacity >> 30)
                + " GiB guest memory are free (instances are never overcommitted; add a host or memoryGiB)");
        }
        u.threads += type.vcpus();
        u.guestBytes += type.memoryBytes();
    }
}

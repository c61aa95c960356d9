package io.nitrosim.simulator.engine;

import java.nio.file.Path;
import java.util.List;

import io.nitrosim.hypervisor.Instance;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.simulator.results.EbsInstanceResult;
import io.nitrosim.simulator.results.FioJobResult;
import io.nitrosim.simulator.results.TimeSeriesRecorder;
import io.nitrosim.simulator.results.VolumeResult;
import io.nitrosim.simulator.scenario.Scenario;
import io.nitrosim.simulator.scenario.ScenarioException;
import io.nitrosim.time.SimRuntime;

/** The EBS half of an assembled scenario (volumes, EBS cards, fio workloads). */
final class StorageSide implements AutoCloseable
{
    StorageSide(final Scenario scenario, final SimRuntime runtime, final CounterRegistry registry, final Path workDirectory)
    {
        for (final Scenario.Instance i : scenario.instances())
        {
            if (!i.volumes().isEmpty())
            {
                throw new ScenarioException(scenario.source() + ": EBS volumes are not wired into the simulator yet");
            }
        }
    }

    void addInstance(final Scenario.Instance spec, final Instance instance, final GuestSide guest)
    {
    }

    void addWorkloads(final List<Scenario.Workload> workloads)
    {
    }

    void addColumns(final TimeSeriesRecorder.Builder builder, final Scenario.Instance spec)
    {
    }

    EbsInstanceResult instanceResult(final Scenario.Instance spec, final long endNs, final long nowNs)
    {
        final var t = spec.type();
        return new EbsInstanceResult(0, t.ebsPeakMbps(), t.ebsBaselineMbps(), 0, t.ebsPeakIops(), t.ebsBaselineIops(),
            100, 100, 0, 0);
    }

    List<VolumeResult> volumeResults(final long endNs, final long nowNs)
    {
        return List.of();
    }

    List<FioJobResult> fioResults()
    {
        return List.of();
    }

    @Override
    public void close()
    {
    }
}

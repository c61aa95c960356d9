package io.nitrosim.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM's own work so far: time its JIT compilers spent compiling and its collectors spent collecting (both in
 * ms, as the JVM reports them). Taken before and after a run, the difference says how much of the run's process CPU
 * time went to the JVM rather than to the simulation.
 */
record JvmWork(long jitMs, long gcMs)
{
    static JvmWork now()
    {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long gcMs = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        return new JvmWork(jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0,
            gcMs);
    }

    JvmWork minus(final JvmWork earlier)
    {
        return new JvmWork(jitMs - earlier.jitMs, gcMs - earlier.gcMs);
    }
}

package io.nitrosim.pci.trace;

/**
 * Where traced events go: one sink per run, stamped with the run's simulated time. Devices, rings and cards do
 * not call a sink directly; they call their {@link Tracer}, which knows their instance and function and which
 * kinds are on. Not thread-safe: a run that traces runs its agents on one thread (virtual or paced time).
 */
public interface TraceSink
{
    /** Records one event at the current simulated time. */
    void record(int kind, int instance, int function, int queue, long arg0, long arg1, long arg2, long arg3);
}

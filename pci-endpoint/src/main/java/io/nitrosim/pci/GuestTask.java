package io.nitrosim.pci;

/**
 * The one shape of everything that runs inside a guest on a vCPU's duty cycle: the reference drivers and the
 * workloads built on them. A guest program calls {@link #doWork} on every duty cycle, hands it the interrupts
 * that reach the vCPU, and sleeps until the earliest {@link #nextDeadlineNs()} of its tasks. Never blocks;
 * single-threaded (the vCPU's).
 */
public interface GuestTask
{
    /** "Nothing to do until an interrupt or other input arrives." */
    long NO_DEADLINE = Long.MAX_VALUE;

    /** One slice of work at simulated time {@code nowNs}. @return work done (0 when idle). */
    int doWork(long nowNs);

    /**
     * The earliest simulated time at which {@link #doWork} has something to do without new input, as of the last
     * {@link #doWork}; {@link #NO_DEADLINE} when only an interrupt or other input can make progress.
     */
    long nextDeadlineNs();

    /** An MSI-X message with x86 vector {@code vector} reached the vCPU (a task ignores vectors not its own). */
    void onInterrupt(int vector);

    /**
     * Whether everything the task reacts to comes from its own instance (its devices, their interrupts, its
     * memory), so that its vCPU may be skipped while idle (see {@code SimAgent.wakesOnInput}). False (the default)
     * for a task that also polls another guest's state or input from another thread (sockets).
     */
    default boolean wakesOnInput()
    {
        return false;
    }
}

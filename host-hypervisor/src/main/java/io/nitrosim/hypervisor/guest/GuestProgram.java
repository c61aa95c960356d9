package io.nitrosim.hypervisor.guest;

import io.nitrosim.time.SimAgent;

/**
 * Code that runs on one vCPU: a driver, a workload, or both. The vCPU calls it from one thread only, so a
 * program needs no synchronisation for its own state; programs on several vCPUs of one instance share only
 * guest memory, as on real hardware.
 * <p>
 * A program is started when its vCPU starts running (instance reaches running, or the program is loaded into a
 * running vCPU) and stopped when the vCPU stops (stop, reboot, terminate, or another program is loaded). A
 * program object survives stop/start: {@link #onStart} is called again and must re-initialise what the guest
 * would lose at power-off (device state is reset at start; guest memory is kept).
 */
public interface GuestProgram
{
    /** "Nothing to do until an interrupt or other input arrives." */
    long NO_DEADLINE = SimAgent.NO_DEADLINE;

    /** The vCPU starts running this program (power-on, reboot, or program load). */
    void onStart(GuestContext ctx);

    /**
     * One slice of guest execution, as an Agrona agent's duty cycle. Must not block.
     *
     * @return the amount of work done; 0 when idle (then {@link #nextDeadlineNs()} says when to come back).
     */
    int doWork(GuestContext ctx);

    /** An interrupt with {@code vector} (0..255) arrived at this vCPU and interrupts are enabled. */
    default void onInterrupt(final int vector, final GuestContext ctx)
    {
    }

    /** Earliest simulated time at which {@link #doWork} has something to do without new input. */
    default long nextDeadlineNs()
    {
        return NO_DEADLINE;
    }

    /**
     * Whether everything the program reacts to comes from its own instance (see {@code GuestTask.wakesOnInput}), so
     * that its vCPU may be skipped while idle. Default: false.
     */
    default boolean wakesOnInput()
    {
        return false;
    }

    /** The vCPU stops running this program. */
    default void onStop(final GuestContext ctx)
    {
    }
}

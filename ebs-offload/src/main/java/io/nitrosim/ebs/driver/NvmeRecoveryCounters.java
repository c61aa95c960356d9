package io.nitrosim.ebs.driver;

/** What the NVMe driver's error handling did, counted since it was created (also its {@code ebs.driver.*} meters). */
public interface NvmeRecoveryCounters
{
    /** Command timeouts acted on (an Abort sent, the timer re-armed at the Abort limit, or a reset). */
    long timeouts();

    /** Abort commands sent for commands that timed out. */
    long abortsSent();

    /** Controller resets the driver started to recover (the first bring-up is not one). */
    long controllerResets();

    /** I/O commands submitted again after an error status without DNR. */
    long retries();

    /** I/O commands submitted again after a controller reset. */
    long resubmitted();

    /** I/O commands completed to the caller with an error status. */
    long commandsFailed();
}

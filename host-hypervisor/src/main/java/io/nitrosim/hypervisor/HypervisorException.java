package io.nitrosim.hypervisor;

/**
 * A user-visible failure of a host operation, with the EC2 error code the EC2 API would return for it.
 * Thrown before anything changes: a failed operation leaves host and instance as they were.
 */
public abstract class HypervisorException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    protected HypervisorException(final String message)
    {
        super(message);
    }

    /** The EC2 error code, e.g. "InsufficientInstanceCapacity". */
    public abstract String errorCode();
}

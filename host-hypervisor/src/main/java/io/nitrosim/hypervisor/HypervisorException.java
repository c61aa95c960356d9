package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;

/**
 * A user-visible failure of a host operation, with the EC2 error the EC2 API returns for it (the message names
 * the code). Thrown before anything changes: a failed operation leaves host and instance as they were.
 */
public abstract class HypervisorException extends Ec2Exception
{
    private static final long serialVersionUID = 1L;

    protected HypervisorException(final Ec2Error error, final String message)
    {
        super(error, message);
    }

    /** The EC2 error code, e.g. "InsufficientInstanceCapacity". */
    public final String errorCode()
    {
        return code();
    }
}

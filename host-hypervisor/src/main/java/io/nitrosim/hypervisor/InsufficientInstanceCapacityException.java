package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;

/** The host has not enough free hardware threads or memory for the instance; nothing was placed. */
public final class InsufficientInstanceCapacityException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = Ec2Error.INSUFFICIENT_INSTANCE_CAPACITY.code();

    public InsufficientInstanceCapacityException(final String message)
    {
        super(Ec2Error.INSUFFICIENT_INSTANCE_CAPACITY, message);
    }
}

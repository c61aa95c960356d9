package io.nitrosim.hypervisor;

/** The host has not enough free hardware threads or memory for the instance; nothing was placed. */
public final class InsufficientInstanceCapacityException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = "InsufficientInstanceCapacity";

    public InsufficientInstanceCapacityException(final String message)
    {
        super(message);
    }

    @Override
    public String errorCode()
    {
        return ERROR_CODE;
    }
}

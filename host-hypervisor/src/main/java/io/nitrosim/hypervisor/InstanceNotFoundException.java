package io.nitrosim.hypervisor;

/** No instance with that id on this host (EC2's InvalidInstanceID.NotFound). */
public final class InstanceNotFoundException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = "InvalidInstanceID.NotFound";

    public InstanceNotFoundException(final String instanceId)
    {
        super("The instance ID '" + instanceId + "' does not exist");
    }

    @Override
    public String errorCode()
    {
        return ERROR_CODE;
    }
}

package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;

/** No instance with that id on this host (EC2's InvalidInstanceID.NotFound). */
public final class InstanceNotFoundException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND.code();

    public InstanceNotFoundException(final String instanceId)
    {
        super(Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND, "The instance ID '" + instanceId + "' does not exist");
    }
}

package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;

/**
 * The attachment id or the PCI function is already attached on this host. EC2 code "VolumeInUse" for a volume,
 * "InvalidNetworkInterface.InUse" for a network interface, "InvalidParameterValue" for a function attached
 * twice; nothing changed.
 */
public final class AttachmentInUseException extends HypervisorException
{
    private static final long serialVersionUID = 1L;

    public AttachmentInUseException(final Ec2Error error, final String message)
    {
        super(error, message);
    }
}

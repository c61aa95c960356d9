package io.nitrosim.hypervisor;

/**
 * The attachment id or the PCI function is already attached on this host. EC2 code "VolumeInUse" for a volume,
 * "InvalidNetworkInterface.InUse" for a network interface; nothing changed.
 */
public final class AttachmentInUseException extends HypervisorException
{
    private static final long serialVersionUID = 1L;

    private final String errorCode;

    public AttachmentInUseException(final String errorCode, final String message)
    {
        super(message);
        this.errorCode = errorCode;
    }

    @Override
    public String errorCode()
    {
        return errorCode;
    }
}

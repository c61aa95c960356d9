package io.nitrosim.hypervisor;

/** Detach of something not attached to the instance (EC2's InvalidAttachment.NotFound); nothing changed. */
public final class AttachmentNotFoundException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = "InvalidAttachment.NotFound";

    public AttachmentNotFoundException(final String message)
    {
        super(message);
    }

    @Override
    public String errorCode()
    {
        return ERROR_CODE;
    }
}

package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;

/** Detach of something not attached to the instance (EC2's InvalidAttachment.NotFound); nothing changed. */
public final class AttachmentNotFoundException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = Ec2Error.INVALID_ATTACHMENT_NOT_FOUND.code();

    public AttachmentNotFoundException(final String message)
    {
        super(Ec2Error.INVALID_ATTACHMENT_NOT_FOUND, message);
    }
}

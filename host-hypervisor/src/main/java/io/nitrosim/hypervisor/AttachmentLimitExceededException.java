package io.nitrosim.hypervisor;

import io.nitrosim.control.Ec2Error;

/** The instance has no room for another attachment (28 in all, or its type's ENI limit); nothing changed. */
public final class AttachmentLimitExceededException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = Ec2Error.ATTACHMENT_LIMIT_EXCEEDED.code();
    /** EC2's message for the 28-attachment limit of Nitro instances (docs/sources.md section 2). */
    public static final String ATTACHMENT_LIMIT_MESSAGE = Ec2Error.ATTACHMENT_LIMIT_EXCEEDED.description();

    public AttachmentLimitExceededException(final String message)
    {
        super(Ec2Error.ATTACHMENT_LIMIT_EXCEEDED, message);
    }
}

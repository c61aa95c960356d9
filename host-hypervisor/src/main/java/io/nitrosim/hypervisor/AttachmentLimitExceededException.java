package io.nitrosim.hypervisor;

/** The instance has no room for another attachment (28 in all, or its type's ENI limit); nothing changed. */
public final class AttachmentLimitExceededException extends HypervisorException
{
    private static final long serialVersionUID = 1L;
    public static final String ERROR_CODE = "AttachmentLimitExceeded";
    /** EC2's message for the 28-attachment limit of Nitro instances (docs/facts.md section 2). */
    public static final String ATTACHMENT_LIMIT_MESSAGE = "You've reached the limit on the number of Amazon EBS "
        + "volumes or network interfaces that can be attached to a single instance.";

    public AttachmentLimitExceededException(final String message)
    {
        super(message);
    }

    @Override
    public String errorCode()
    {
        return ERROR_CODE;
    }
}

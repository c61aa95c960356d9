package io.nitrosim.hypervisor;

/**
 * EC2 instance states with their API codes (the low byte of InstanceState.Code) and names.
 * <pre>
 *   launch -> pending -> running -> stopping -> stopped -> (start) pending
 *   pending | running | stopping | stopped -> shutting-down -> terminated
 * </pre>
 */
public enum InstanceState
{
    PENDING(0, "pending"),
    RUNNING(16, "running"),
    SHUTTING_DOWN(32, "shutting-down"),
    TERMINATED(48, "terminated"),
    STOPPING(64, "stopping"),
    STOPPED(80, "stopped");

    private final int code;
    private final String ec2Name;

    InstanceState(final int code, final String ec2Name)
    {
        this.code = code;
        this.ec2Name = ec2Name;
    }

    public int code()
    {
        return code;
    }

    /** The name the EC2 API uses, e.g. "shutting-down". */
    public String ec2Name()
    {
        return ec2Name;
    }

    /** A state the host leaves by itself ({@link Instance#completeTransition()}). */
    public boolean isTransitional()
    {
        return this == PENDING || this == STOPPING || this == SHUTTING_DOWN;
    }

    public static InstanceState fromCode(final int code)
    {
        for (final InstanceState s : values())
        {
            if (s.code == (code & 0xFF))
            {
                return s;
            }
        }
        throw new IllegalArgumentException("instance state code " + code + " is not one of 0, 16, 32, 48, 64, 80");
    }

    @Override
    public String toString()
    {
        return ec2Name;
    }
}

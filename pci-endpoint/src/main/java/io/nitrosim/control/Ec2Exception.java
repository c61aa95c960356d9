package io.nitrosim.control;

import java.util.Objects;

/**
 * A refused control-plane request with the EC2 error it maps to. Thrown before anything changed.
 * <p>
 * {@link #getMessage()} names the code first ({@code "AttachmentLimitExceeded: Interface count 4 exceeds the limit
 * for c5.large"}) so that a one-line error in a scenario or on the command line says which EC2 error it is;
 * {@link #detail()} is the part after the code, what the EC2 API puts in its error XML's {@code Message}.
 */
public class Ec2Exception extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final Ec2Error error;
    private final String detail;

    /**
     * @param error  the EC2 error.
     * @param detail one line naming the offending value and what is accepted; null for the error's own
     *               description.
     */
    public Ec2Exception(final Ec2Error error, final String detail)
    {
        super(Objects.requireNonNull(error, "error").code() + ": " + (detail == null ? error.description() : detail));
        this.error = error;
        this.detail = detail == null ? error.description() : detail;
    }

    public Ec2Error error()
    {
        return error;
    }

    /** The EC2 error code, e.g. "InvalidInstanceID.NotFound". */
    public String code()
    {
        return error.code();
    }

    /** The message without the code: what EC2's error response carries in {@code Message}. */
    public String detail()
    {
        return detail;
    }

    public int httpStatus()
    {
        return error.httpStatus();
    }
}

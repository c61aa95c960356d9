package io.nitrosim.ec2api.http;

/** The endpoint could not listen on its address (the port is taken, or not allowed). */
public final class ListenFailedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int port;
    private final String reason;

    public ListenFailedException(final String address, final int port, final Throwable cause)
    {
        super("cannot listen on " + address + ":" + port + " (" + reasonOf(cause) + ")", cause);
        this.port = port;
        this.reason = reasonOf(cause);
    }

    private static String reasonOf(final Throwable cause)
    {
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** The port asked for. */
    public int port()
    {
        return port;
    }

    /** Why, in the operating system's words ("Address already in use"). */
    public String reason()
    {
        return reason;
    }
}

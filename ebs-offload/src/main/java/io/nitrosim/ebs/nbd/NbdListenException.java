package io.nitrosim.ebs.nbd;

/** An NBD server could not listen on its address (the port is taken, or not allowed). */
public final class NbdListenException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String host;
    private final int port;
    private final String reason;

    NbdListenException(final String host, final int port, final Throwable cause)
    {
        super("NBD server cannot listen on " + host + ":" + port + ": " + reasonOf(cause), cause);
        this.host = host;
        this.port = port;
        this.reason = reasonOf(cause);
    }

    private static String reasonOf(final Throwable cause)
    {
        return cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
    }

    public String host()
    {
        return host;
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

package io.nitrosim.cli;

/** User input that cannot be used; its message is the one line the user sees (exit code 2). */
public final class BadInputException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public BadInputException(final String message)
    {
        super(message);
    }

    /** A server that cannot listen on the port an option named: the option, the port and the system's reason. */
    static BadInputException cannotListen(final String option, final int port, final String reason)
    {
        return new BadInputException(option + " " + port + ": cannot listen on 127.0.0.1:" + port + " (" + reason
            + "); choose another port, or 0 for a free one");
    }
}

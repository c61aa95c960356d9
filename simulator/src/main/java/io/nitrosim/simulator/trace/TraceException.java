package io.nitrosim.simulator.trace;

/** A trace that cannot be read or a trace option that is not accepted: a one-line message for the user. */
public final class TraceException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public TraceException(final String message)
    {
        super(message);
    }
}

package io.nitrosim.cli;

/** User input that cannot be used; its message is the one line the user sees (exit code 2). */
public final class BadInputException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public BadInputException(final String message)
    {
        super(message);
    }
}

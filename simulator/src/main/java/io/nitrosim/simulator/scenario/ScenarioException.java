package io.nitrosim.simulator.scenario;

/**
 * A scenario that cannot be run. The message is one line naming the file, the place (line and column where
 * the format gives them, else the field path) and what is accepted. Nothing has been run when it is thrown.
 * Whatever the input, the message stays one line of bounded length ({@link MessageText#line}).
 */
public final class ScenarioException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ScenarioException(final String message)
    {
        super(MessageText.line(message));
    }
}

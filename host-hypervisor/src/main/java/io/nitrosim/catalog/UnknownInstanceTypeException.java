package io.nitrosim.catalog;

import java.util.List;

/** An instance type the catalog does not have; the message lists the valid ones. */
public final class UnknownInstanceTypeException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String requestedType;

    public UnknownInstanceTypeException(final String requestedType, final List<String> validTypes)
    {
        super("unknown instance type '" + requestedType + "'; valid types: " + String.join(", ", validTypes));
        this.requestedType = requestedType;
    }

    public String requestedType()
    {
        return requestedType;
    }
}

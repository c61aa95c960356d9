package io.nitrosim.catalog;

/** A catalog file that cannot be used: the message names the file, the row and the field. */
public final class CatalogException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public CatalogException(final String message)
    {
        super(message);
    }
}
